import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'schoolyard:public';
export const ALLOWED_DURING_PASSWORD_CHANGE = 'schoolyard:allowed-during-password-change';

/** No sign-in needed (registration, sign-in itself, the school's public branding). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Still served while the account must change its password (me, change-password, logout). */
export const AllowedDuringPasswordChange = () => SetMetadata(ALLOWED_DURING_PASSWORD_CHANGE, true);
