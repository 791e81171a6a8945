#!/usr/bin/env node
// The CI run's last word: one plain line "N passed, N failed" from the jest results files, and a
// non-zero exit on any failure. When a run's exit status disagrees with its results (jest wrote
// "all passed" and then the process failed: a crash or an error after the run), the reason is
// printed last, with the tail of that run's output, so that the end of the CI log shows it.
//
//   node .ci/summary.js <label>=<results.json>:<exit status>:<log file> ...
'use strict';
const fs = require('fs');

const TAIL_LINES = 60;

/**
 * What jest prints when it sets `process.exitCode = 1` itself while every test passes: code that
 * ran after a test file's environment was torn down (a timer or a request its test did not end).
 * It can be anywhere in the log, so it is looked for, not only tailed.
 */
const EXIT_CODE_MARKERS = ['after the Jest environment has been torn down'];
const MARKER_CONTEXT_LINES = 12;

function readLines(file) {
  return fs.readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((line) => line.trim() !== '');
}

function tail(file, lines) {
  try {
    return readLines(file).slice(-lines);
  } catch (e) {
    return [`(no log at ${file}: ${e.message})`];
  }
}

/** Every line of the log with an EXIT_CODE_MARKERS message, and the lines after it (its stack). */
function exitCodeCauses(file) {
  let all;
  try {
    all = readLines(file);
  } catch {
    return [];
  }
  const found = [];
  all.forEach((line, i) => {
    if (EXIT_CODE_MARKERS.some((marker) => line.includes(marker))) found.push(...all.slice(i, i + 1 + MARKER_CONTEXT_LINES));
  });
  return found;
}

/** @returns {{ lines: string[], ok: boolean }} */
function summarize(runs) {
  const lines = [];
  const diagnoses = [];
  let passed = 0;
  let failed = 0;
  let ok = true;
  for (const { label, resultsFile, status, logFile } of runs) {
    let r;
    try {
      r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    } catch (e) {
      lines.push(`no jest results from ${label} (${e.message})`);
      diagnoses.push({ label, why: `${label} exited with status ${status} and wrote no results`, logFile });
      failed += 1;
      ok = false;
      continue;
    }
    const f = r.numFailedTests + r.numRuntimeErrorTestSuites;
    lines.push(`${label}: ${r.numPassedTests} passed, ${f} failed`);
    passed += r.numPassedTests;
    failed += f;
    const failedSuites = (r.testResults ?? []).filter((suite) => suite.status === 'failed').map((suite) => suite.name);
    if (r.numPassedTests === 0 || !r.success || status !== 0) ok = false;
    if (status !== 0 && f === 0) {
      const suites = failedSuites.length > 0 ? `; suites marked failed: ${failedSuites.join(', ')}` : '';
      diagnoses.push({ label, why: `${label} exited with status ${status} although its results report ${f} failed tests (success: ${r.success})${suites}`, logFile });
      failed += 1; // the run itself failed: counted, so the last line agrees with the exit status
    } else if (!r.success && f === 0) {
      failed += 1;
      diagnoses.push({ label, why: `${label}'s results report no failed test but success: false${failedSuites.length > 0 ? ` (suites marked failed: ${failedSuites.join(', ')})` : ''}`, logFile });
    } else if (r.numPassedTests === 0) {
      failed += 1;
      diagnoses.push({ label, why: `${label} passed no test`, logFile });
    }
  }
  for (const { why, logFile, label } of diagnoses) {
    lines.push(`CI failure: ${why}`);
    const causes = logFile === undefined ? [] : exitCodeCauses(logFile);
    if (causes.length > 0) {
      lines.push(`--- jest set the exit code itself: code ran after a test file's environment was torn down ---`);
      lines.push(...causes);
    }
    if (logFile !== undefined) {
      lines.push(`--- the last ${TAIL_LINES} lines of the output of ${label} ---`);
      lines.push(...tail(logFile, TAIL_LINES));
      lines.push(`--- end of the output of ${label} ---`);
    }
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return { lines, ok: ok && failed === 0 && passed > 0 };
}

function parseRun(arg) {
  const match = /^([^=]+)=([^:]+):(-?\d+)(?::(.+))?$/.exec(arg);
  if (match === null) throw new Error(`expected <label>=<results.json>:<status>[:<log>], got ${arg}`);
  return { label: match[1], resultsFile: match[2], status: Number(match[3]), logFile: match[4] };
}

module.exports = { summarize, parseRun };

if (require.main === module) {
  const { lines, ok } = summarize(process.argv.slice(2).map(parseRun));
  for (const line of lines) console.log(line);
  process.exit(ok ? 0 : 1);
}
