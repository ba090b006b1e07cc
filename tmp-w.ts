import { main } from "./cli/main";
Object.defineProperty(process.stdout, "isTTY", { value: true });
Object.defineProperty(process.stdout, "columns", { value: Number(process.env.W ?? 100) });
main(process.argv.slice(2)).then(c => { process.exitCode = c; });
