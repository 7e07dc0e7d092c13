import { createHmac } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** What the stand-in answers for one transaction. */
export type StandInAnswer =
  { status: string; refId?: string; totalAmount?: string } | 'hang' | 'error';

/**
 * A local stand-in for eSewa's transaction-status API (eSewa itself is out of reach here),
 * answering as eSewa's documentation shows: JSON with product_code, transaction_uuid,
 * total_amount (a number such as 7500.0), status and ref_id.
 */
export class EsewaStandIn {
  readonly answers = new Map<string, StandInAnswer>();
  readonly asked: URLSearchParams[] = [];
  private readonly hanging: ServerResponse[] = [];
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://stand-in').searchParams;
      this.asked.push(query);
      const uuid = query.get('transaction_uuid') ?? '';
      const answer = this.answers.get(uuid) ?? { status: 'NOT_FOUND' };
      if (answer === 'hang') {
        this.hanging.push(response);
        return;
      }
      if (answer === 'error') {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end('{"code":0,"error_message":"Service is currently unavailable"}');
        return;
      }
      const total = answer.totalAmount ?? `${query.get('total_amount')}.0`;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        `{"product_code":"${query.get('product_code')}","transaction_uuid":"${uuid}",` +
          `"total_amount":${total},"status":"${answer.status}",` +
          `"ref_id":${answer.refId ? `"${answer.refId}"` : 'null'}}`,
      );
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/epay/transaction/status/`;
  }

  askedAbout(uuid: string): number {
    return this.asked.filter((query) => query.get('transaction_uuid') === uuid).length;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const CALLBACK_SIGNED =
  'transaction_code,status,total_amount,transaction_uuid,product_code,signed_field_names';

/**
 * eSewa's success callback (base64 of its JSON) as its documentation shows it: the total a JSON
 * number (7500.0) signed as written, with `secret` under `productCode`. `signedAmount` signs
 * another amount than the one sent (a tampered callback).
 */
export function esewaCallback(
  uuid: string,
  totalAmount: string,
  merchant: { productCode: string; secret: string; signedAmount?: string },
): string {
  const message =
    `transaction_code=000TEST,status=COMPLETE,total_amount=${merchant.signedAmount ?? totalAmount},` +
    `transaction_uuid=${uuid},product_code=${merchant.productCode},signed_field_names=${CALLBACK_SIGNED}`;
  const signature = createHmac('sha256', merchant.secret).update(message).digest('base64');
  const json =
    `{"transaction_code":"000TEST","status":"COMPLETE","total_amount":${totalAmount},` +
    `"transaction_uuid":"${uuid}","product_code":"${merchant.productCode}",` +
    `"signed_field_names":"${CALLBACK_SIGNED}","signature":"${signature}"}`;
  return Buffer.from(json).toString('base64');
}
