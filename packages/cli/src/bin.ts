#!/usr/bin/env node
import { runCli } from './run-cli.js';

/** The `rampart` bin. All work happens in runCli so tests can call it in process too. */
process.exitCode = await runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
