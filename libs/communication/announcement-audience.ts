/**
 * Who an announcement reaches, as SQL: the school's words for its audience turned into
 * profiles. Every kind reads the school as it is at publication (memberships open now, roles
 * held now), so an announcement scheduled for Monday reaches Monday's classes.
 */

/**
 * People who still belong to the school: a student whose status is active, a staff member who
 * has not left, every guardian and owner (profiles have no status of their own; a student or
 * staff member keeps theirs in `students` and `staff`).
 */
const ACTIVE_PROFILES = `SELECT p.id, p.user_id
    FROM profiles p
    LEFT JOIN students st ON st.profile_id = p.id
    LEFT JOIN staff sf ON sf.profile_id = p.id
   WHERE coalesce(st.status, 'active') = 'active' AND coalesce(sf.status, 'active') = 'active'`;

/**
 * The profiles an announcement reaches, as a SELECT of `profile_id`, over a relation named `a`
 * (one announcement: `audience_kind`, `audience_ids`) that the enclosing statement provides.
 * One statement whatever the audience's size: each kind is a branch that the others' kinds
 * leave empty.
 */
export const AUDIENCE_SQL = `
  WITH active AS (${ACTIVE_PROFILES}),
  chosen_sections AS (
    SELECT sec.id, sec.homeroom_instructor_id
      FROM a JOIN sections sec
        ON (a.audience_kind = 'levels' AND sec.level_id = ANY (a.audience_ids))
        OR (a.audience_kind IN ('sections', 'section_guardians') AND sec.id = ANY (a.audience_ids))
  ),
  current_students AS (
    SELECT ss.student_id FROM chosen_sections cs
      JOIN section_students ss ON ss.section_id = cs.id AND ss.left_on IS NULL
  ),
  targeted AS (
    SELECT active.id FROM a, active WHERE a.audience_kind = 'school'
    UNION
    SELECT active.id FROM a
      JOIN user_roles ur ON ur.role_id = ANY (a.audience_ids) AND ur.is_active
      JOIN active ON active.user_id = ur.user_id
     WHERE a.audience_kind = 'roles'
    UNION
    SELECT cur.student_id FROM a, current_students cur
     WHERE a.audience_kind IN ('levels', 'sections')
    UNION
    SELECT ta.instructor_id FROM a, chosen_sections cs
      JOIN teaching_assignments ta ON ta.section_id = cs.id
     WHERE a.audience_kind IN ('levels', 'sections')
    UNION
    SELECT cs.homeroom_instructor_id FROM a, chosen_sections cs
     WHERE a.audience_kind IN ('levels', 'sections') AND cs.homeroom_instructor_id IS NOT NULL
    UNION
    SELECT sg.guardian_id FROM a, current_students cur
      JOIN student_guardians sg ON sg.student_id = cur.student_id
     WHERE a.audience_kind = 'section_guardians'
  )
  SELECT t.id AS profile_id FROM targeted t JOIN active ON active.id = t.id`;

/**
 * The ids among `$ids` (uuid[]) that name nothing of kind `$kind` in this school, as a SELECT
 * of `id`. `kind` and `ids` are the placeholders of the enclosing statement.
 */
export function missingAudienceSql(kind: string, ids: string): string {
  return `SELECT w.id FROM unnest(${ids}::uuid[]) AS w (id)
     WHERE NOT EXISTS (SELECT 1 FROM roles r WHERE ${kind} = 'roles' AND r.id = w.id)
       AND NOT EXISTS (SELECT 1 FROM academic_levels l WHERE ${kind} = 'levels' AND l.id = w.id)
       AND NOT EXISTS (SELECT 1 FROM sections s
                        WHERE ${kind} IN ('sections', 'section_guardians') AND s.id = w.id)`;
}
