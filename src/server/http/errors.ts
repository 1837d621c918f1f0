/**
 * The one error shape every API route returns:
 * `{ "error": { "code": "...", "message": "...", "details"?: ... } }`.
 * `message` is written for the person at the screen; `code` is for the client to branch on.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const unauthorized = () =>
  new HttpError(401, 'unauthenticated', 'Your session has ended. Please sign in again.');
export const forbidden = (what = 'do this') =>
  new HttpError(403, 'forbidden', `Your role does not allow you to ${what}.`);
// Another site's record answers exactly like a record that does not exist, so that ids,
// counts and timing reveal nothing about data outside the user's scope.
export const notFound = (what = 'record') => new HttpError(404, 'not_found', `No such ${what}.`);
