import { httpJson } from './http';

/** Enrolls students through the API, as a school would. */
export async function enrollStudents(
  port: number,
  host: string,
  bearer: Record<string, string>,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const made = await httpJson(
      port,
      'POST',
      '/api/students/enroll',
      host,
      { firstName: 'Student', lastName: `Number ${i}`, admissionNumber: `A-${i}` },
      bearer,
    );
    if (made.status !== 201) throw new Error(`enrolling answered ${made.status}`);
  }
}
