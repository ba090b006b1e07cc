// Test helper: writes a small workflow tree (relative path → text) into a fresh temporary directory.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function writeTree(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-parsers-"));
    for (const [relative, text] of Object.entries(files)) {
        const target = path.join(root, relative);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
    }
    return root;
}

export const FIXTURES = path.join(__dirname, "..", "fixtures", "workflows");
