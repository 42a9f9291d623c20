import * as assert from 'node:assert/strict';
import { highestPlaceholder, ordersByColumn, statementBody } from '../../../flow/sql-text';

describe('a select.query read as text', () => {
  it('finds the highest placeholder outside literals, quoted names, comments and dollar-quoted bodies', () => {
    assert.equal(highestPlaceholder('select * from t where a > $1 and b < $12'), 12);
    assert.equal(highestPlaceholder('select \'$3\', "$4", $$ $5 $$, $f$ $6 $f$ -- $7\n/* $8 */ where a = $2'), 2);
    assert.equal(highestPlaceholder('select 1'), 0);
  });

  it('drops what follows the last token, so that the statement can stand inside parentheses', () => {
    assert.equal(statementBody('SELECT id FROM t ORDER BY id;\n'), 'SELECT id FROM t ORDER BY id');
    assert.equal(statementBody('SELECT id FROM t ORDER BY id ; ; -- oldest first\n/* done */  '), 'SELECT id FROM t ORDER BY id');
    // A literal at the end is part of the statement, even one that holds a `;` or a `--`.
    assert.equal(statementBody("SELECT id FROM t WHERE note = 'a; -- b';"), "SELECT id FROM t WHERE note = 'a; -- b'");
  });

  it('tells whether the outermost ORDER BY starts with a column, ascending', () => {
    assert.equal(ordersByColumn('select id from t order by id', 'id'), true);
    assert.equal(ordersByColumn('select id from t order by "t"."id" asc, b', 'id'), true);
    assert.equal(ordersByColumn('select "ORDER BY x" from t order by id', 'id'), true);
    assert.equal(ordersByColumn('select id_for from t order by id_for', 'id_for'), true);
    assert.equal(ordersByColumn('select id from t order by id desc', 'id'), false);
    assert.equal(ordersByColumn('select id from t', 'id'), false);
  });
});
