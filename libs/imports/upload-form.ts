import '@fastify/multipart';
import { type FastifyRequest } from 'fastify';
import { importFileTooLarge, importRequestInvalid } from './imports.errors';
import { type ImportUpload } from './imports.service';

/** Multipart refusals of @fastify/multipart and busboy, by their codes. */
const TOO_LARGE = new Set(['FST_REQ_FILE_TOO_LARGE']);

/**
 * Reads the form of POST /api/imports: the fields `kind` and `dryRun` and one file part `file`,
 * buffered up to IMPORT_MAX_BYTES (the plugin's file size limit). Anything else is a 400; a
 * file past the limit a 413, before any row is stored.
 */
export async function readUploadForm(
  request: FastifyRequest,
  maxBytes: number,
): Promise<ImportUpload> {
  if (!request.isMultipart()) {
    throw importRequestInvalid(
      'Send the file as multipart/form-data with the fields kind and file',
    );
  }
  const upload: ImportUpload = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || upload.file) {
          throw importRequestInvalid('The form takes one file, in the part "file"');
        }
        upload.file = await part.toBuffer();
        upload.fileName = part.filename.slice(0, 255);
      } else if (part.fieldname === 'kind' || part.fieldname === 'dryRun') {
        upload[part.fieldname] = String(part.value);
      } else {
        throw importRequestInvalid(
          `Unknown field "${part.fieldname}": the form takes kind, dryRun and file`,
        );
      }
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && TOO_LARGE.has(code)) throw importFileTooLarge(maxBytes);
    if (typeof code === 'string' && code.startsWith('FST_')) {
      throw importRequestInvalid('The multipart form could not be read');
    }
    if (
      error instanceof Error &&
      !('status' in error) &&
      /multipart|boundary|Unexpected end/i.test(error.message)
    ) {
      throw importRequestInvalid('The multipart form could not be read');
    }
    throw error;
  }
  return upload;
}
