import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The school's own settings: one row in each school's schema. */
@Entity({ name: 'school_settings' })
export class SchoolSettings {
  @PrimaryColumn('smallint') id!: number;
  @Column('text', { name: 'display_name' }) displayName!: string;
  @Column('text') timezone!: string;
  @Column('text') locale!: string;
  @Column('text', { name: 'primary_color', nullable: true }) primaryColor!: string | null;
  @Column('text', { name: 'secondary_color', nullable: true }) secondaryColor!: string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
