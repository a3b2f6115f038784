import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
const launcherSource = fileURLToPath(new URL(`./${LAUNCHER_CLASS}.java`, import.meta.url));
const cacheRoot = fileURLToPath(
  new URL('../../node_modules/.cache/zorgsom-dynamodb-local/', import.meta.url),
);
const execFileAsync = promisify(execFile);

type Launcher = { classDir: string } | { unavailable: string };
const launchers = new Map<string, Promise<Launcher>>();

/**
 * The loopback launcher (dynamodb-local/LoopbackDynamoDbLocal.java) compiled against this jar, once: cached
 * under node_modules/.cache by a hash of the source and the jar, so later starts cost nothing. javac comes
 * from the JRE's own jdk.compiler module (Debian's openjdk-17-jre-headless has it). Where it is missing the
 * jar runs as shipped, and the caller is told why.
 */
export function loopbackLauncher(dir: string): Promise<Launcher> {
  const jar = join(dir, 'DynamoDBLocal.jar');
  let launcher = launchers.get(jar);
  if (!launcher) {
    launcher = (async (): Promise<Launcher> => {
      const [source, jarStat] = await Promise.all([readFile(launcherSource), stat(jar)]);
      const hash = createHash('sha256')
        .update(source)
        .update(`${jarStat.size}:${jarStat.mtimeMs}`)
        .digest('hex')
        .slice(0, 16);
      const classDir = join(cacheRoot, hash);
      try {
        await access(join(classDir, `${LAUNCHER_CLASS}.class`));
        return { classDir };
      } catch {
        // Not compiled yet.
      }
      await mkdir(cacheRoot, { recursive: true });
      const building = await mkdtemp(join(cacheRoot, 'build-'));
      try {
        await execFileAsync(
          'java',
          [
            '-m',
            'jdk.compiler/com.sun.tools.javac.Main',
            '--release',
            '17',
            '-d',
            building,
            '-cp',
            jar,
            launcherSource,
          ],
          { timeout: 120_000 },
        );
        // Another start may have finished first: either copy is the same class.
        await rename(building, classDir).catch(() => undefined);
        await access(join(classDir, `${LAUNCHER_CLASS}.class`));
        return { classDir };
      } catch (error) {
        const reason = ((error as { stderr?: string }).stderr || (error as Error).message)
          .trim()
          .split('\n')[0];
        return { unavailable: reason ?? 'javac failed' };
      } finally {
        await rm(building, { recursive: true, force: true });
      }
    })();
    launchers.set(jar, launcher);
  }
  return launcher;
}
