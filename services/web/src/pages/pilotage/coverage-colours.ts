/** The map's two colours, also drawn in the legend beside it. */
export const coverageColours = { covered: '#18753c', uncovered: '#ce0500' } as const;
