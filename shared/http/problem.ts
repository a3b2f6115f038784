import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problemTextOf, type FieldError, type ProblemCode } from '../domain/problems.js';

const statusTitles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** RFC 9457 problem details, with a Dutch and English text for the problem and for every field. */
export function problemResponse(
  status: number,
  code: ProblemCode,
  errors: FieldError[] = [],
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: `urn:zorgsom:problem:${code}`,
      title: statusTitles[status] ?? 'Error',
      status,
      code,
      detail: problemTextOf(code).en,
      message: problemTextOf(code),
      errors: errors.map((error) => ({ ...error, message: problemTextOf(error.code) })),
    }),
  };
}
