// Test helper: writes a small workflow tree (relative path → text) into a fresh temporary directory.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const created: string[] = [];

/** A fresh temporary directory, removed by removeTempDirs. */
export function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-parsers-"));
    created.push(dir);
    return dir;
}

/** Removes every directory made by tempDir/writeTree (call it from `after`). */
export function removeTempDirs(): void {
    for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export function writeTree(files: Record<string, string>): string {
    const root = tempDir();
    for (const [relative, text] of Object.entries(files)) {
        const target = path.join(root, relative);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
    }
    return root;
}

export const FIXTURES = path.join(__dirname, "..", "fixtures", "workflows");
