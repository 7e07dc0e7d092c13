import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { MANUAL_TRANSACTION, ROUTE_SCOPE, type RouteScope } from './scope.decorators';
import { TenantContext } from './tenant-context';
import { TenantTransactions } from './tenant-transactions.service';

/** Wraps every @SchoolScoped() handler in its school's transaction (see TenantTransactions). */
@Injectable()
export class TenantTransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenant: TenantContext,
    private readonly transactions: TenantTransactions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const targets = [context.getHandler(), context.getClass()];
    const scope = this.reflector.getAllAndOverride<RouteScope | undefined>(ROUTE_SCOPE, targets);
    const manual = this.reflector.getAllAndOverride<boolean | undefined>(
      MANUAL_TRANSACTION,
      targets,
    );
    const inSchool =
      scope === 'school' || (scope === 'school-or-platform' && this.tenant.hasSchool);
    if (!inSchool || manual) return next.handle();
    const school = this.tenant.school;
    return from(
      this.transactions.run(school, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }
}
