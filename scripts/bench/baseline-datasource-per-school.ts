import 'reflect-metadata';
import {
  Controller,
  DefaultValuePipe,
  Get,
  Inject,
  Injectable,
  Module,
  NotFoundException,
  type OnApplicationShutdown,
  ParseIntPipe,
  Query,
  Scope,
} from '@nestjs/common';
import { NestFactory, REQUEST } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AddressInfo } from 'node:net';
import { Column, DataSource, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { announce, baselinePool, baselineSettings, runBaseline } from './baselines';

/**
 * What most NestJS multi-tenancy tutorials build: the tenant from the Host header, one
 * TypeORM DataSource per school (its `schema` option set to the school's schema) made on the
 * school's first request and kept in a Map, handed to the controller by a request-scoped
 * provider, and a repository `find` for the page. No sign-in, no permission check, no
 * transaction; it connects as the database's owner. Written for the benchmark only.
 */

@Entity({ name: 'profiles' })
class StudentProfile {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'first_name' }) firstName!: string;
  @Column('text', { name: 'middle_name', nullable: true }) middleName!: string | null;
  @Column('text', { name: 'last_name' }) lastName!: string;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('date', { name: 'date_of_birth', nullable: true }) dateOfBirth!: string | null;
  @Column('text', { nullable: true }) gender!: string | null;
  @Column('text', { name: 'local_username', nullable: true }) localUsername!: string | null;
  @Column('uuid', { name: 'user_id', nullable: true }) userId!: string | null;
}

@Entity({ name: 'students' })
class Student {
  @PrimaryColumn('uuid', { name: 'profile_id' }) profileId!: string;
  @OneToOne(() => StudentProfile)
  @JoinColumn({ name: 'profile_id' })
  profile!: StudentProfile;
  @Column('text', { name: 'admission_number' }) admissionNumber!: string;
  @Column('date', { name: 'admission_date' }) admissionDate!: string;
  @Column('text') status!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

const SETTINGS = Symbol('SETTINGS');
const TENANT_DATA_SOURCE = Symbol('TENANT_DATA_SOURCE');

interface Settings {
  url: string;
  poolSize: number;
  /** The platform's own DataSource: which schema belongs to which host. */
  registry: DataSource;
}

/** One DataSource per school, opened on the school's first request. */
@Injectable()
class TenantDataSources implements OnApplicationShutdown {
  private readonly sources = new Map<string, Promise<DataSource>>();

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  forTenant(host: string): Promise<DataSource> {
    let source = this.sources.get(host);
    if (!source) {
      source = this.open(host);
      this.sources.set(host, source);
      source.catch(() => this.sources.delete(host));
    }
    return source;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const source of this.sources.values()) await (await source).destroy();
    await this.settings.registry.destroy();
  }

  private async open(host: string): Promise<DataSource> {
    const [school]: Array<{ schema_name: string }> = await this.settings.registry.query(
      `SELECT o.schema_name FROM public.domains d JOIN public.organizations o ON o.id = d.organization_id
        WHERE d.host = $1 AND o.status = 'active'`,
      [host],
    );
    if (!school) throw new NotFoundException('No school here');
    const { connectionString, ...pool } = baselinePool(this.settings.url, this.settings.poolSize);
    return new DataSource({
      type: 'postgres',
      url: connectionString,
      schema: school.schema_name,
      entities: [Student, StudentProfile],
      extra: pool,
    }).initialize();
  }
}

@Controller('students')
class StudentsController {
  constructor(@Inject(TENANT_DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get()
  list(@Query('pageSize', new DefaultValuePipe(20), ParseIntPipe) pageSize: number) {
    return this.dataSource.getRepository(Student).find({
      relations: { profile: true },
      order: { profile: { lastName: 'ASC', firstName: 'ASC', id: 'ASC' } },
      take: pageSize,
    });
  }
}

@Module({})
class DataSourcePerSchoolModule {
  static withSettings(settings: Settings) {
    return {
      module: DataSourcePerSchoolModule,
      controllers: [StudentsController],
      providers: [
        { provide: SETTINGS, useValue: settings },
        TenantDataSources,
        {
          provide: TENANT_DATA_SOURCE,
          scope: Scope.REQUEST,
          inject: [REQUEST, TenantDataSources],
          useFactory: (request: { headers: { host?: string } }, sources: TenantDataSources) =>
            sources.forTenant((request.headers.host ?? '').replace(/:\d+$/, '')),
        },
      ],
    };
  }
}

runBaseline(async () => {
  const { url, poolSize } = baselineSettings();
  const registry = await new DataSource({ type: 'postgres', url }).initialize();
  const app = await NestFactory.create<NestFastifyApplication>(
    DataSourcePerSchoolModule.withSettings({ url, poolSize, registry }),
    new FastifyAdapter(),
    { logger: false },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  announce((app.getHttpServer().address() as AddressInfo).port, () => app.close());
});
