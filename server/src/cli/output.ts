/** Where a command writes: `out` is its product (a unit, a YAML file) on stdout, `note` what is meant for a person, on stderr. */
export interface Output {
  out(text: string): void;
  note(line: string): void;
}

export const consoleOutput: Output = {
  out: (text) => process.stdout.write(text),
  note: (line) => console.error(line),
};
