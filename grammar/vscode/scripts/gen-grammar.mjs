#!/usr/bin/env node
// Generates the editor grammars for SDL from the one keyword list,
// grammar/keywords.json:
//   grammar/vscode/syntaxes/sdl.tmLanguage.json   (TextMate, scope source.sdl)
//   grammar/vim/syntax/sdl.vim                     (Vim / Neovim)
//
//   node grammar/vscode/scripts/gen-grammar.mjs           rewrite both files
//   node grammar/vscode/scripts/gen-grammar.mjs --check   exit 1 if either is stale
//
// The test suite (grammar/vscode/test) imports generate() and fails when the
// committed files differ from what this script writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const grammarDir = resolve(here, '..', '..');
export const keywordsPath = join(grammarDir, 'keywords.json');
export const tmLanguagePath = join(grammarDir, 'vscode', 'syntaxes', 'sdl.tmLanguage.json');
export const vimSyntaxPath = join(grammarDir, 'vim', 'syntax', 'sdl.vim');

export function loadKeywords(path = keywordsPath) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// Every word of the keyword file, for coverage checks.
export function allWords(kw) {
  const words = new Set();
  for (const [key, value] of Object.entries(kw)) {
    if (key.startsWith('$')) continue;
    if (Array.isArray(value)) value.forEach((w) => words.add(w));
    else if (value && typeof value === 'object') {
      for (const [label, values] of Object.entries(value)) {
        words.add(label);
        values.forEach((w) => words.add(w));
      }
    }
  }
  return words;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';

// A regex alternation of words, longest first so no word shadows a longer one.
function alt(words) {
  const unique = [...new Set(words)];
  for (const w of unique) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(w)) throw new Error(`keywords.json: not a word: ${JSON.stringify(w)}`);
  }
  return unique.sort((a, b) => b.length - a.length || a.localeCompare(b)).join('|');
}

export function buildTmLanguage(kw) {
  const decls = alt(kw.declarations);
  const declStart = `(?=^\\s*(?:${decls})\\b)`;
  const optionLabels = alt(Object.keys(kw.optionValues));
  const optionValues = alt(Object.values(kw.optionValues).flat());
  const units = alt(kw.durationUnits);
  const otherConstants = kw.constants.filter((c) => !['true', 'false', 'null'].includes(c));

  const repository = {
    comments: {
      patterns: [
        {
          name: 'comment.block.sdl',
          begin: '/\\*',
          end: '\\*/',
          beginCaptures: { 0: { name: 'punctuation.definition.comment.begin.sdl' } },
          endCaptures: { 0: { name: 'punctuation.definition.comment.end.sdl' } },
        },
        {
          name: 'comment.line.double-slash.sdl',
          match: '(//).*$',
          captures: { 1: { name: 'punctuation.definition.comment.sdl' } },
        },
      ],
    },

    strings: {
      patterns: [
        {
          name: 'string.quoted.double.sdl',
          begin: '"',
          end: '"|$',
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.sdl' } },
          endCaptures: { 0: { name: 'punctuation.definition.string.end.sdl' } },
          patterns: [
            { name: 'constant.character.escape.unicode.sdl', match: '\\\\u[0-9A-Fa-f]{4}' },
            { name: 'constant.character.escape.sdl', match: '\\\\["\\\\/nrtbf0]' },
            { name: 'invalid.illegal.escape.sdl', match: '\\\\.' },
          ],
        },
      ],
    },

    numbers: {
      patterns: [
        {
          name: 'constant.numeric.duration.sdl',
          match: `\\b([0-9]+(?:\\.[0-9]+)?)(${units})\\b`,
          captures: { 2: { name: 'keyword.other.unit.duration.sdl' } },
        },
        {
          name: 'constant.numeric.float.sdl',
          match: '\\b[0-9]+(?:\\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)\\b',
        },
        { name: 'constant.numeric.integer.sdl', match: '\\b[0-9]+\\b' },
      ],
    },

    constants: {
      patterns: [
        { name: 'constant.language.boolean.sdl', match: '\\b(?:true|false)\\b' },
        { name: 'constant.language.null.sdl', match: '\\bnull\\b' },
        ...(otherConstants.length ? [{ name: 'constant.language.sdl', match: `\\b(?:${alt(otherConstants)})\\b` }] : []),
      ],
    },

    // ---- declarations -------------------------------------------------
    'param-declaration': {
      name: 'meta.declaration.param.sdl',
      begin: `\\b(param)\\b\\s*(${IDENT})?\\s*(:)?`,
      beginCaptures: {
        1: { name: 'keyword.declaration.sdl' },
        2: { name: 'variable.other.constant.param.sdl' },
        3: { name: 'punctuation.separator.type.sdl' },
      },
      end: '(?==)|$',
      patterns: [{ include: '#type' }],
    },

    'schema-declaration': {
      name: 'meta.declaration.schema.sdl',
      begin: `\\b(schema)\\s+(${IDENT})`,
      beginCaptures: {
        1: { name: 'keyword.declaration.sdl' },
        2: { name: 'entity.name.type.schema.sdl' },
      },
      end: `(?<=\\})|(?==)|${declStart}`,
      patterns: [{ include: '#comments' }, { include: '#record-type' }],
    },

    'config-declaration': {
      name: 'meta.declaration.config.sdl',
      begin: '\\b(config)\\b',
      beginCaptures: { 1: { name: 'keyword.declaration.sdl' } },
      end: `(?<=\\})|${declStart}`,
      patterns: [
        { include: '#comments' },
        {
          name: 'meta.block.config.sdl',
          begin: '\\{',
          end: '\\}',
          beginCaptures: { 0: { name: 'punctuation.section.block.begin.sdl' } },
          endCaptures: { 0: { name: 'punctuation.section.block.end.sdl' } },
          patterns: [
            {
              match: `\\b(${IDENT})\\s*(:)`,
              captures: {
                1: { name: 'variable.other.property.config.sdl' },
                2: { name: 'punctuation.separator.key-value.sdl' },
              },
            },
            { include: '#expression' },
          ],
        },
      ],
    },

    'named-declaration': {
      match: `\\b(source|table|stream)\\s+(${IDENT})`,
      captures: {
        1: { name: 'keyword.declaration.sdl' },
        2: { name: 'entity.name.stream.sdl' },
      },
    },

    'sink-declaration': {
      match: `\\b(sink)\\s+(${IDENT})\\s*(->)?`,
      captures: {
        1: { name: 'keyword.declaration.sdl' },
        2: { name: 'variable.other.stream.sdl' },
        3: { name: 'keyword.operator.arrow.sink.sdl' },
      },
    },

    'sink-clauses': {
      patterns: [
        {
          match: `\\b(mode)\\s+(${alt(kw.outputModes)})\\b`,
          captures: {
            1: { name: 'keyword.other.sink-clause.sdl' },
            2: { name: 'support.constant.output-mode.sdl' },
          },
        },
        {
          match: `\\b(trigger)\\s+(${alt(kw.triggers)})\\b`,
          captures: {
            1: { name: 'keyword.other.sink-clause.sdl' },
            2: { name: 'keyword.other.trigger.sdl' },
          },
        },
        { name: 'keyword.other.sink-clause.sdl', match: `\\b(?:${alt(kw.sinkClauses)})\\b` },
        { name: 'keyword.other.trigger.sdl', match: `\\b(?:${alt(kw.triggers)})\\b` },
      ],
    },

    // ---- types --------------------------------------------------------
    type: {
      patterns: [
        { include: '#comments' },
        { name: 'support.type.primitive.sdl', match: `\\b(?:${alt(kw.types)})\\b` },
        {
          name: 'meta.type.list.sdl',
          begin: '\\[',
          end: '\\]',
          beginCaptures: { 0: { name: 'punctuation.definition.type.list.begin.sdl' } },
          endCaptures: { 0: { name: 'punctuation.definition.type.list.end.sdl' } },
          patterns: [{ include: '#type' }],
        },
        {
          name: 'meta.type.tuple.sdl',
          begin: '\\(',
          end: '\\)',
          beginCaptures: { 0: { name: 'punctuation.definition.type.tuple.begin.sdl' } },
          endCaptures: { 0: { name: 'punctuation.definition.type.tuple.end.sdl' } },
          patterns: [{ include: '#type' }],
        },
        { include: '#record-type' },
        { name: 'keyword.operator.optional.sdl', match: '\\?' },
        { name: 'punctuation.separator.comma.sdl', match: ',' },
        { name: 'entity.name.type.sdl', match: `\\b${IDENT}\\b` },
      ],
    },

    'record-type': {
      name: 'meta.type.record.sdl',
      begin: '\\{',
      end: '\\}',
      beginCaptures: { 0: { name: 'punctuation.definition.type.record.begin.sdl' } },
      endCaptures: { 0: { name: 'punctuation.definition.type.record.end.sdl' } },
      patterns: [
        {
          match: `\\b(${IDENT})\\s*(:)`,
          captures: {
            1: { name: 'variable.other.field.sdl' },
            2: { name: 'punctuation.separator.type.sdl' },
          },
        },
        { include: '#type' },
      ],
    },

    // ---- expressions --------------------------------------------------
    expression: {
      patterns: [
        { include: '#comments' },
        { include: '#strings' },
        { include: '#numbers' },
        { include: '#constants' },
        { include: '#member-access' },
        { include: '#pipe' },
        { include: '#lambda-parameters' },
        { include: '#aggregate-call' },
        { include: '#alias' },
        { include: '#keywords' },
        { include: '#calls' },
        { include: '#arguments' },
        { include: '#list' },
        { include: '#record' },
        { include: '#operators' },
        { include: '#punctuation' },
        { include: '#identifiers' },
      ],
    },

    pipe: {
      patterns: [
        {
          match: `(\\|>)\\s*(?:(${alt(kw.operators)})\\b(?!\\s*\\())?`,
          captures: {
            1: { name: 'keyword.operator.pipe.sdl' },
            2: { name: 'support.function.operator.sdl' },
          },
        },
      ],
    },

    'lambda-parameters': {
      patterns: [
        {
          name: 'meta.lambda.parameters.sdl',
          begin: `(\\()(?=\\s*${IDENT}(?:\\s*,\\s*${IDENT})*\\s*\\)\\s*->)`,
          beginCaptures: { 1: { name: 'punctuation.definition.parameters.begin.sdl' } },
          end: '(\\))\\s*(->)',
          endCaptures: {
            1: { name: 'punctuation.definition.parameters.end.sdl' },
            2: { name: 'storage.type.function.arrow.sdl' },
          },
          patterns: [
            { name: 'variable.parameter.sdl', match: `\\b${IDENT}\\b` },
            { name: 'punctuation.separator.comma.sdl', match: ',' },
          ],
        },
        {
          match: `\\b(${IDENT})\\s*(->)`,
          captures: {
            1: { name: 'variable.parameter.sdl' },
            2: { name: 'storage.type.function.arrow.sdl' },
          },
        },
        { name: 'storage.type.function.arrow.sdl', match: '->' },
      ],
    },

    'aggregate-call': {
      name: 'meta.function-call.aggregate.sdl',
      begin: '\\b(aggregate)\\s*(\\()',
      beginCaptures: {
        1: { name: 'support.function.operator.sdl' },
        2: { name: 'punctuation.definition.arguments.begin.sdl' },
      },
      end: '\\)',
      endCaptures: { 0: { name: 'punctuation.definition.arguments.end.sdl' } },
      patterns: [
        { name: 'support.function.aggregate.sdl', match: `\\b(?:${alt(kw.aggregates)})\\b(?=\\s*\\()` },
        { include: '#named-argument' },
        { include: '#expression' },
      ],
    },

    alias: {
      match: `\\b(as)\\s+(${IDENT})\\b`,
      captures: {
        1: { name: 'keyword.other.as.sdl' },
        2: { name: 'variable.other.alias.sdl' },
      },
    },

    keywords: {
      patterns: [
        { include: '#sink-clauses' },
        { name: 'keyword.declaration.sdl', match: `\\b(?:${decls})\\b` },
        { name: 'keyword.control.conditional.sdl', match: `\\b(?:${alt(kw.control)})\\b` },
        { name: 'keyword.operator.logical.sdl', match: `\\b(?:${alt(kw.logical)})\\b` },
        { name: 'keyword.other.sdl', match: `\\b(?:${alt(kw.other)})\\b` },
      ],
    },

    calls: {
      patterns: [
        { name: 'support.function.operator.sdl', match: `\\b(?:${alt(kw.operators)})\\b(?=\\s*\\()` },
        { name: 'support.function.connector.sdl', match: `\\b(?:${alt(kw.connectors)})\\b(?=\\s*\\()` },
        { name: 'support.function.aggregate.sdl', match: `\\b(?:${alt(kw.aggregates)})\\b(?=\\s*\\()` },
        { name: 'support.function.builtin.sdl', match: `\\b(?:${alt(kw.functions)})\\b(?=\\s*\\()` },
        { name: 'entity.name.function.sdl', match: `\\b${IDENT}\\b(?=\\s*\\()` },
      ],
    },

    'named-argument': {
      patterns: [
        {
          match: `\\b(${optionLabels})\\s*(:)\\s*(${optionValues})\\b`,
          captures: {
            1: { name: 'entity.other.attribute-name.label.sdl' },
            2: { name: 'punctuation.separator.label.sdl' },
            3: { name: 'support.constant.option.sdl' },
          },
        },
        {
          match: `\\b(schema)\\s*(:)\\s*(${IDENT})\\b`,
          captures: {
            1: { name: 'entity.other.attribute-name.label.sdl' },
            2: { name: 'punctuation.separator.label.sdl' },
            3: { name: 'entity.name.type.sdl' },
          },
        },
        {
          match: `\\b(${IDENT})\\s*(:)`,
          captures: {
            1: { name: 'entity.other.attribute-name.label.sdl' },
            2: { name: 'punctuation.separator.label.sdl' },
          },
        },
      ],
    },

    arguments: {
      name: 'meta.parens.sdl',
      begin: '\\(',
      end: '\\)',
      beginCaptures: { 0: { name: 'punctuation.definition.parens.begin.sdl' } },
      endCaptures: { 0: { name: 'punctuation.definition.parens.end.sdl' } },
      patterns: [{ include: '#named-argument' }, { include: '#expression' }],
    },

    list: {
      name: 'meta.list.sdl',
      begin: '\\[',
      end: '\\]',
      beginCaptures: { 0: { name: 'punctuation.definition.list.begin.sdl' } },
      endCaptures: { 0: { name: 'punctuation.definition.list.end.sdl' } },
      patterns: [{ include: '#expression' }],
    },

    record: {
      name: 'meta.record.sdl',
      begin: '\\{',
      end: '\\}',
      beginCaptures: { 0: { name: 'punctuation.definition.record.begin.sdl' } },
      endCaptures: { 0: { name: 'punctuation.definition.record.end.sdl' } },
      patterns: [
        {
          match: `\\b(${IDENT})\\s*(:)`,
          captures: {
            1: { name: 'variable.other.field.sdl' },
            2: { name: 'punctuation.separator.key-value.sdl' },
          },
        },
        { include: '#expression' },
      ],
    },

    'member-access': {
      patterns: [
        {
          match: '(\\.)(\\*)',
          captures: {
            1: { name: 'punctuation.accessor.sdl' },
            2: { name: 'keyword.operator.wildcard.sdl' },
          },
        },
        {
          match: `(\\.)(${IDENT}|[0-9]+)`,
          captures: {
            1: { name: 'punctuation.accessor.sdl' },
            2: { name: 'variable.other.member.sdl' },
          },
        },
      ],
    },

    operators: {
      patterns: [
        { name: 'keyword.operator.null-coalescing.sdl', match: '\\?\\?' },
        { name: 'keyword.operator.comparison.sdl', match: '==|!=|<=|>=|<|>' },
        { name: 'keyword.operator.assignment.sdl', match: '=' },
        { name: 'keyword.operator.wildcard.sdl', match: '(?<=[(,]\\s*)\\*(?=\\s*[,)])' },
        { name: 'keyword.operator.arithmetic.sdl', match: '[-+*/%]' },
        { name: 'keyword.operator.optional.sdl', match: '\\?' },
      ],
    },

    punctuation: {
      patterns: [
        { name: 'punctuation.separator.comma.sdl', match: ',' },
        { name: 'punctuation.separator.colon.sdl', match: ':' },
      ],
    },

    identifiers: {
      patterns: [{ name: 'variable.other.sdl', match: `\\b${IDENT}\\b` }],
    },
  };

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'SDL',
    scopeName: 'source.sdl',
    fileTypes: ['sdl'],
    comment: 'GENERATED by grammar/vscode/scripts/gen-grammar.mjs from grammar/keywords.json; do not edit by hand.',
    patterns: [
      { include: '#comments' },
      { include: '#param-declaration' },
      { include: '#schema-declaration' },
      { include: '#config-declaration' },
      { include: '#named-declaration' },
      { include: '#sink-declaration' },
      { include: '#expression' },
    ],
    repository,
  };
}

export function renderTmLanguage(kw) {
  return JSON.stringify(buildTmLanguage(kw), null, 2) + '\n';
}

export function renderVim(kw) {
  const words = (list) => [...new Set(list)].join(' ');
  const L = [];
  L.push('" Vim syntax file');
  L.push('" Language:   SDL, the streamc stream dataflow language (*.sdl)');
  L.push('" GENERATED by grammar/vscode/scripts/gen-grammar.mjs from grammar/keywords.json; do not edit by hand.');
  L.push('" Install: copy grammar/vim/{syntax,ftdetect,ftplugin} into ~/.vim (or ~/.config/nvim).');
  L.push('');
  L.push('if exists("b:current_syntax")');
  L.push('  finish');
  L.push('endif');
  L.push('');
  L.push('let s:cpo_save = &cpo');
  L.push('set cpo&vim');
  L.push('');
  L.push('syn case match');
  L.push('syn iskeyword @,48-57,_');
  L.push('');
  L.push(`syn keyword sdlDeclaration ${words(kw.declarations)}`);
  L.push(`syn keyword sdlConditional ${words(kw.control)}`);
  L.push(`syn keyword sdlLogical ${words(kw.logical)}`);
  L.push(`syn keyword sdlKeyword ${words(kw.other)}`);
  L.push(`syn keyword sdlSinkClause ${words(kw.sinkClauses)}`);
  L.push(`syn keyword sdlTrigger ${words(kw.triggers)}`);
  L.push(`syn keyword sdlBoolean ${words(kw.constants.filter((c) => c !== 'null'))}`);
  L.push(`syn keyword sdlNull ${words(kw.constants.filter((c) => c === 'null'))}`);
  L.push(`syn keyword sdlType ${words(kw.types)}`);
  L.push('');
  L.push('" Names are coloured where they are called: name followed by "(".');
  L.push(`syn match sdlOperator "\\<\\(${alt(kw.operators).replace(/\|/g, '\\|')}\\)\\>\\ze\\s*("`);
  L.push(`syn match sdlOperator "\\(|>\\s*\\)\\@<=\\(${alt(kw.operators).replace(/\|/g, '\\|')}\\)\\>"`);
  L.push(`syn match sdlAggregate "\\<\\(${alt(kw.aggregates.filter((a) => !kw.operators.includes(a))).replace(/\|/g, '\\|')}\\)\\>\\ze\\s*("`);
  L.push(`syn match sdlConnector "\\<\\(${alt(kw.connectors).replace(/\|/g, '\\|')}\\)\\>\\ze\\s*("`);
  L.push(`syn match sdlFunction "\\<\\(${alt(kw.functions).replace(/\|/g, '\\|')}\\)\\>\\ze\\s*("`);
  L.push(`syn match sdlOutputMode "\\(\\<mode\\s\\+\\)\\@<=\\(${alt(kw.outputModes).replace(/\|/g, '\\|')}\\)\\>"`);
  L.push(`syn match sdlOption "\\(\\<\\(${alt(Object.keys(kw.optionValues)).replace(/\|/g, '\\|')}\\)\\s*:\\s*\\)\\@<=\\(${alt(Object.values(kw.optionValues).flat()).replace(/\|/g, '\\|')}\\)\\>"`);
  L.push('" Named-argument labels and record fields: `rows: 10`, `{word: w}`.');
  L.push('syn match sdlLabel "\\<\\h\\w*\\ze\\s*:[^:]"');
  L.push('" Declared names.');
  L.push('syn match sdlDeclName "\\(\\<\\(source\\|table\\|stream\\|schema\\|param\\|sink\\)\\s\\+\\)\\@<=\\h\\w*"');
  L.push('');
  L.push('syn match sdlPipe "|>"');
  L.push('syn match sdlArrow "->"');
  L.push('syn match sdlSymbol "??\\|==\\|!=\\|<=\\|>=\\|[<>+*%=?]\\|-\\(>\\)\\@!\\|/\\([/*]\\)\\@!"');
  L.push('');
  L.push(`syn match sdlDuration "\\<\\d\\+\\(\\.\\d\\+\\)\\=\\(${alt(kw.durationUnits).replace(/\|/g, '\\|')}\\)\\>"`);
  L.push('syn match sdlFloat "\\<\\d\\+\\(\\.\\d\\+\\([eE][+-]\\=\\d\\+\\)\\=\\|[eE][+-]\\=\\d\\+\\)\\>"');
  L.push('syn match sdlInteger "\\<\\d\\+\\>"');
  L.push('');
  L.push('syn match sdlEscape contained "\\\\\\([\\"\\\\/nrtbf0]\\|u\\x\\{4}\\)"');
  L.push('syn match sdlBadEscape contained "\\\\\\([\\"\\\\/nrtbf0]\\|u\\x\\{4}\\)\\@!."');
  L.push('syn region sdlString start=+"+ skip=+\\\\\\\\\\|\\\\"+ end=+"+ end=+$+ contains=sdlEscape,sdlBadEscape');
  L.push('');
  L.push('syn keyword sdlTodo contained TODO FIXME XXX NOTE');
  L.push('syn region sdlLineComment start="//" end="$" contains=sdlTodo,@Spell');
  L.push('syn region sdlBlockComment start="/\\*" end="\\*/" contains=sdlTodo,@Spell fold');
  L.push('syn region sdlBraces start="{" end="}" transparent fold');
  L.push('');
  L.push('hi def link sdlDeclaration Structure');
  L.push('hi def link sdlConditional Conditional');
  L.push('hi def link sdlLogical Operator');
  L.push('hi def link sdlKeyword Keyword');
  L.push('hi def link sdlSinkClause Keyword');
  L.push('hi def link sdlTrigger Keyword');
  L.push('hi def link sdlOutputMode Constant');
  L.push('hi def link sdlOption Constant');
  L.push('hi def link sdlBoolean Boolean');
  L.push('hi def link sdlNull Constant');
  L.push('hi def link sdlType Type');
  L.push('hi def link sdlOperator Function');
  L.push('hi def link sdlAggregate Function');
  L.push('hi def link sdlConnector Function');
  L.push('hi def link sdlFunction Function');
  L.push('hi def link sdlLabel Identifier');
  L.push('hi def link sdlDeclName Identifier');
  L.push('hi def link sdlPipe Operator');
  L.push('hi def link sdlArrow Operator');
  L.push('hi def link sdlSymbol Operator');
  L.push('hi def link sdlDuration Number');
  L.push('hi def link sdlFloat Float');
  L.push('hi def link sdlInteger Number');
  L.push('hi def link sdlString String');
  L.push('hi def link sdlEscape SpecialChar');
  L.push('hi def link sdlBadEscape Error');
  L.push('hi def link sdlTodo Todo');
  L.push('hi def link sdlLineComment Comment');
  L.push('hi def link sdlBlockComment Comment');
  L.push('');
  L.push('let b:current_syntax = "sdl"');
  L.push('');
  L.push('let &cpo = s:cpo_save');
  L.push('unlet s:cpo_save');
  return L.join('\n') + '\n';
}

export function generate(kw = loadKeywords()) {
  return [
    { path: tmLanguagePath, text: renderTmLanguage(kw) },
    { path: vimSyntaxPath, text: renderVim(kw) },
  ];
}

function main(argv) {
  const check = argv.includes('--check');
  let stale = 0;
  for (const { path, text } of generate()) {
    let current = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = null;
    }
    if (current === text) continue;
    if (check) {
      console.error(`stale: ${path} (run: node grammar/vscode/scripts/gen-grammar.mjs)`);
      stale++;
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  return stale ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
