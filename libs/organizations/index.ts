export * from './organizations.module';
export * from './registration.service';
export * from './school-settings.service';
export * from './dto/register-school.dto';
