import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type OrganizationStatus = 'active' | 'suspended' | 'archived';

/** A school in the platform registry (public schema). */
@Entity({ name: 'organizations', schema: 'public' })
export class Organization {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') slug!: string;
  @Column('text') name!: string;
  @Column('text') status!: OrganizationStatus;
  @Column('text', { name: 'schema_name' }) schemaName!: string;
  @Column('text', { name: 'db_role' }) dbRole!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
