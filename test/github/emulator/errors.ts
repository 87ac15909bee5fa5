/** A refusal in GitHub's terms, raised by the state and turned into a REST or GraphQL answer. */
export type ErrorKind = 'NOT_FOUND' | 'FORBIDDEN' | 'UNPROCESSABLE' | 'BAD_REQUEST' | 'UNAUTHORIZED';

const STATUS: Record<ErrorKind, number> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNPROCESSABLE: 422,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
};

export interface FieldError {
  resource: string;
  field?: string;
  code: string;
  message?: string;
}

export class EmulatorError extends Error {
  readonly status: number;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly errors?: FieldError[],
    /** The permission GitHub names in `x-accepted-github-permissions` for a 403. */
    readonly acceptedPermissions?: string,
  ) {
    super(message);
    this.status = STATUS[kind];
  }
}

export const notFound = (message = 'Not Found') => new EmulatorError('NOT_FOUND', message);

/** GitHub's 422 for a rule on the data (not on the request's shape). */
export const invalid = (resource: string, field: string, message: string, code = 'custom') =>
  new EmulatorError('UNPROCESSABLE', 'Validation Failed', [{ resource, field, code, message }]);
