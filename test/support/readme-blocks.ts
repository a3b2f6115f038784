/**
 * The README's runnable examples: every fenced ```sh block, in order, turned into one bash script that
 * stops at the first failing command and says which block and which README line it was.
 *
 * Convention (team-wide): only ```sh blocks run; commands that need AWS (deploy, aws cli, DNS) go in
 * ```text or ```console blocks. An HTTP status ≥ 400 counts as a failure unless the comment line above the
 * command names that status (e.g. `# Refused: patient data (422)`).
 */

export interface ShellBlock {
  /** 1-based position among the README's ```sh blocks. */
  index: number;
  /** The nearest heading above the block. */
  heading: string;
  /** README line of the first command line (the line after the fence). */
  firstLine: number;
  lines: string[];
}

export function extractShellBlocks(markdown: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  const lines = markdown.split('\n');
  let heading = '(top)';
  for (let i = 0; i < lines.length; i += 1) {
    const start = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!start) {
      const title = /^#{1,6}\s+(.*)$/.exec(lines[i]!);
      if (title) heading = title[1]!.trim();
      continue;
    }
    const fence = start[1]!;
    const close = lines.findIndex((line, j) => j > i && line.trim() === fence);
    if (close === -1) throw new Error(`README: the block at line ${i + 1} is never closed`);
    if (start[2] === 'sh') {
      blocks.push({ index: blocks.length + 1, heading, firstLine: i + 2, lines: lines.slice(i + 1, close) });
    }
    i = close;
  }
  return blocks;
}

/** HTTP statuses the comment above each command line allows, by line index within the block. */
export function allowedStatuses(block: ShellBlock): Map<number, string[]> {
  const allowed = new Map<number, string[]>();
  let current: string[] = [];
  for (const [i, line] of block.lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === '') current = [];
    else if (trimmed.startsWith('#')) current = trimmed.match(/\b[45]\d\d\b/g) ?? [];
    else if (current.length > 0) allowed.set(i, current);
  }
  return allowed;
}

export interface Located {
  block: ShellBlock;
  readmeLine: number;
  text: string;
}

export interface ReadmeScript {
  script: string;
  /** Maps a line of the generated script back to the README. */
  locate(scriptLine: number): Located | undefined;
}

/**
 * One bash script for all blocks (they share variables and functions, as in one terminal). `curl` is wrapped
 * to record the status of every call and to fail on an unexpected one; the first failure is written to
 * `$README_FAILURES` as `<script line>\t<what>` and ends the script.
 */
export function readmeScript(blocks: ShellBlock[], rewrite: (line: string) => string): ReadmeScript {
  const prelude = [
    'set -E -o pipefail',
    'declare -A __allowed=()',
    '__fail() { [[ -s "$README_FAILURES" ]] || printf "%s\\t%s\\n" "$1" "$2" >> "$README_FAILURES"; }',
    'curl() {',
    '  local line=${BASH_LINENO[0]} body status rc',
    '  body=$(mktemp)',
    '  status=$(command curl -o "$body" -w "%{http_code}" "$@") && rc=0 || rc=$?',
    '  cat "$body"',
    '  if (( rc != 0 )); then __fail "$line" "curl exited with status $rc"; rm -f "$body"; return $rc; fi',
    '  if (( status >= 400 )) && [[ " ${__allowed[$line]:-} " != *" $status "* ]]; then',
    '    __fail "$line" "answered HTTP $status: $(head -c 400 "$body")"; rm -f "$body"; return 22',
    '  fi',
    '  rm -f "$body"',
    '}',
    // A failed top-level command ends the run (command substitutions report through __fail).
    'trap \'__rc=$?; (( BASH_SUBSHELL == 0 )) && { __fail "$LINENO" "exited with status $__rc"; exit 1; }\' ERR',
    'trap \'[[ -s "$README_FAILURES" ]] && exit 1\' DEBUG',
  ];
  const body: string[] = [];
  const origin: (Located | undefined)[] = prelude.map(() => undefined);
  const allowances: string[] = [];
  for (const block of blocks) {
    const allowed = allowedStatuses(block);
    for (const [i, line] of block.lines.entries()) {
      const statuses = allowed.get(i);
      // bash lines are 1-based; the prelude comes first, with the allowance line at its end.
      if (statuses) allowances.push(`[${prelude.length + 1 + body.length + 1}]="${statuses.join(' ')}"`);
      body.push(rewrite(line));
      origin.push({ block, readmeLine: block.firstLine + i, text: line });
    }
    // A block ends any command still open (a missing closing quote shows as this block's failure).
    body.push('');
    origin.push(undefined);
  }
  const script = [...prelude, `__allowed=(${allowances.join(' ')})`, ...body];
  origin.splice(prelude.length, 0, undefined);
  return {
    script: `${script.join('\n')}\n`,
    locate(scriptLine) {
      // bash reports the first line of a command continued with a backslash (script lines between blocks
      // belong to none)...
      let line = scriptLine;
      while (line >= 1 && !origin[line - 1]) line -= 1;
      // ...and a quoted argument over several lines the line where it closes: walk back to the command.
      const continues = (at: number) => {
        const previous = origin[at - 2];
        const current = origin[at - 1]!;
        return (
          previous?.block === current.block &&
          !previous.text.trim().startsWith('#') &&
          previous.text.trim() !== '' &&
          (previous.text.trimEnd().endsWith('\\') || /^[\s"'}\]]/.test(current.text))
        );
      };
      while (line > 1 && origin[line - 1] && continues(line)) line -= 1;
      return origin[line - 1];
    },
  };
}
