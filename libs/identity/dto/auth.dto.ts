import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class SignInDto {
  @ApiProperty({
    example: 'alicejones',
    description: "The school-local username at a school's address; the email at the platform's",
  })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  username!: string;

  @ApiProperty({ example: 'a long password' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class RefreshDto {
  @ApiPropertyOptional({
    description: 'Omit to use the sy_refresh cookie (then send X-CSRF-Token)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({
    description: 'At least 10 characters, not your username or email, not a well-known password',
  })
  @IsString()
  @MaxLength(1024)
  newPassword!: string;
}

class SignedInUserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'alicejones' }) username!: string;
  @ApiProperty({ example: 'Alice Jones' }) displayName!: string;
}

class SchoolRefView {
  @ApiProperty({ example: 'oxford' }) slug!: string;
  @ApiProperty({ example: 'Oxford High' }) name!: string;
}

export class SignedInView {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({
    description:
      'Send it back in X-Device-Token at later sign-ins of this name (browsers get it as the ' +
      'sy_device cookie): failures of other clients then never hold this one back',
  })
  deviceToken!: string;
  @ApiProperty({ type: SignedInUserView }) user!: SignedInUserView;
  @ApiPropertyOptional({ type: SchoolRefView, nullable: true }) school!: SchoolRefView | null;
  @ApiProperty() mustChangePassword!: boolean;
}

export class RefreshedView {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
}

export class PasswordChangedView {
  @ApiProperty({ description: 'A fresh access token for this session' }) accessToken!: string;
  @ApiProperty({ example: false }) mustChangePassword!: boolean;
}

class MeUserView extends SignedInUserView {
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() mustChangePassword!: boolean;
  @ApiProperty() isPlatformAdmin!: boolean;
}

class MeProfileView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['student', 'staff', 'guardian', 'owner'] }) kind!: string;
  @ApiProperty() firstName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) middleName!: string | null;
  @ApiProperty() lastName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
}

export class MeRoleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Instructor' }) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'instructor' })
  systemKey!: string | null;
}

/** /api/auth/me names the school by its id too (sign-in answers slug and name only). */
class MeSchoolView extends SchoolRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class MeView {
  @ApiProperty({ type: MeUserView }) user!: MeUserView;
  @ApiPropertyOptional({ type: MeSchoolView, nullable: true }) school!: MeSchoolView | null;
  @ApiPropertyOptional({ type: MeProfileView, nullable: true }) profile!: MeProfileView | null;
  @ApiProperty({ type: [MeRoleView], description: 'Active roles in this school' })
  roles!: MeRoleView[];
  @ApiProperty({ type: [String], description: 'Union of those roles’ permissions' })
  permissions!: string[];
}
