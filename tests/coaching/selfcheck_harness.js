/* Runs static/js/selfcheck-maths.js (the page's own file) for the Python tests: one JSON
   question per line on stdin ({rules, levels, kk}), one JSON answer per line on stdout. */
"use strict";
var path = require("path");
var readline = require("readline");
var maths = require(path.join(__dirname, "..", "..", "static", "js", "selfcheck-maths.js"));

var lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", function (line) {
  var question = JSON.parse(line), answer;
  try {
    if (question.shown) {  // [numerator, denominator]: how the page writes that score
      process.stdout.write(JSON.stringify({ shown: maths.shown(maths.frac(question.shown[0], question.shown[1])) }) + "\n");
      return;
    }
    var result = maths.score(question.rules, question.levels);
    var found = maths.category(question.rules, question.kk);
    var pillars = {};
    result.pillars.forEach(function (p) { pillars[p.code] = maths.shown(p.score); });
    answer = {
      pillars: pillars,
      final: maths.shown(result.final),
      gated: result.gated,
      passed: result.passed,
      category: found ? found.code : null,
      improvements: maths.improvements(question.rules, question.levels).map(function (item) {
        return [item.code, item.to, maths.fixed(item.gain, 6)];
      }),
    };
  } catch (error) {
    answer = { error: String(error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
