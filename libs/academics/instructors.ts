/** SQL for a person's display name from `profiles <alias>`. */
export const displayName = (alias: string) => `${alias}.first_name || ' ' || ${alias}.last_name`;
