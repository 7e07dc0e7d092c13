import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** One global identity; school profiles point at it by id (a soft link). */
@Entity({ name: 'users', schema: 'public' })
export class User {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'global_username' }) globalUsername!: string;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('text', { name: 'password_hash', select: false }) passwordHash!: string;
  @Column('boolean', { name: 'must_change_password' }) mustChangePassword!: boolean;
  @Column('boolean', { name: 'is_active' }) isActive!: boolean;
  @Column('boolean', { name: 'is_platform_admin' }) isPlatformAdmin!: boolean;
  @Column('integer', { name: 'failed_login_count' }) failedLoginCount!: number;
  @Column('timestamptz', { name: 'last_failed_login_at', nullable: true })
  lastFailedLoginAt!: Date | null;
  @Column('timestamptz', { name: 'last_login_at', nullable: true }) lastLoginAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
