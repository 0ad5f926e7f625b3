import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from './decorators';
import { roles, type Principal, type Role } from './principal';

class PrincipalView implements Principal {
  @ApiProperty() subject!: string;
  @ApiProperty({ nullable: true, type: String }) clientId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) structureId!: string | null;
  @ApiProperty({ type: [String] }) networkIds!: string[];
  @ApiProperty({ nullable: true, type: String, example: '56' }) department!: string | null;
  @ApiProperty({ enum: roles, isArray: true }) roles!: Role[];
}

/** Lets an integrator check, service by service, what its token grants. */
@ApiTags('identité')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: "L'appelant tel que ce service le voit (structure, réseaux, rôles)" })
  @ApiOkResponse({ type: PrincipalView })
  me(@CurrentPrincipal() principal: Principal): PrincipalView {
    return principal;
  }
}
