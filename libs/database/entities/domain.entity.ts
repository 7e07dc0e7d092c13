import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A host name that leads to a school. */
@Entity({ name: 'domains', schema: 'public' })
export class Domain {
  @PrimaryColumn('text') host!: string;
  @Column('uuid', { name: 'organization_id' }) organizationId!: string;
  @Column('boolean', { name: 'is_primary' }) isPrimary!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
