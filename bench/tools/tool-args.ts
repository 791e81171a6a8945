/** `--name=value` from the command line of a bench tool. */
export function toolArg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
