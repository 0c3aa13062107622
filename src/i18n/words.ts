/** The shape of a catalogue section that words codes: one function per code, typed by the code's parameters. */
export type WordsFor<T extends { code: string }> = { [K in T['code']]: (r: Extract<T, { code: K }>) => string };
