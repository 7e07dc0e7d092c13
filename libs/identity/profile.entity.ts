import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type ProfileKind = 'student' | 'staff' | 'guardian' | 'owner';

/**
 * A person in one school (tenant table: no schema in the mapping, search_path decides).
 * `userId` is a soft link to public.users: a plain uuid, no foreign key across schemas.
 */
@Entity({ name: 'profiles' })
export class Profile {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') kind!: ProfileKind;
  @Column('text', { name: 'first_name' }) firstName!: string;
  @Column('text', { name: 'middle_name', nullable: true }) middleName!: string | null;
  @Column('text', { name: 'last_name' }) lastName!: string;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('text', { name: 'local_username', nullable: true }) localUsername!: string | null;
  @Column('uuid', { name: 'user_id', nullable: true }) userId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
