// @socialgouv/jours-feries ships no typings: its one export maps each holiday's French name to a local-time Date.
declare module '@socialgouv/jours-feries' {
  export default function joursFeries(year: number, options?: { alsace?: boolean }): Record<string, Date>;
}
