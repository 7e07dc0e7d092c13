export * from './identity.module';
export * from './passwords.service';
export * from './profile.entity';
export * from './usernames';
