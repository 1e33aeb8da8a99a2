import { describe, expect, it } from 'vitest';
import { extract, fixture, lines } from './helpers.js';

describe('C# usings', () => {
  const app = fixture('csharp');

  it('extracts plain, static, alias and global usings', async () => {
    const text = 'global using G.H;\nusing System;\nusing A.B;\nusing static A.B.C;\nusing X = A.B.D;\nusing global::Root.Thing;\nnamespace Acme.App { class Foo { void M() { using (var r = Open()) { } } } }\n';
    expect(await extract('csharp', text)).toEqual([
      { source: 'G.H', names: [] },
      { source: 'System', names: [] },
      { source: 'A.B', names: [] },
      { source: 'A.B.C', names: ['*'] },
      { source: 'A.B.D', names: [], alias: 'X' },
      { source: 'Root.Thing', names: [] },
    ]);
    expect((await lines('csharp', text)).map(([, line]) => line)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('resolves namespaces through declarations, folders that match first', async () => {
    expect(await app.imports('src/Acme.App/Program.cs')).toEqual([
      // Notifier.cs declares the namespace from a folder that does not match it, so it comes second.
      { source: 'Acme.App.Services', names: [], files: ['src/Acme.App/Services/Mailer.cs', 'src/Acme.App/Legacy/Notifier.cs'] },
      { source: 'System', names: [], files: [] },
      { source: 'System.Collections.Generic', names: [], files: [] },
      { source: 'Acme.App.Models', names: [], files: ['src/Acme.App/Models/Order.cs', 'src/Acme.App/Models/User.cs'] },
      // Static usings and aliases name a type: the file in its namespace that declares it.
      { source: 'Acme.App.Util.Guard', names: ['*'], files: ['src/Acme.App/Util/Guard.cs'] },
      { source: 'Acme.App.Util.JsonHelper', names: [], alias: 'Json', files: ['src/Acme.App/Util/JsonHelper.cs'] },
      { source: 'Acme.Missing', names: [], files: [] },
    ]);
    expect(app.resolve('src/Acme.App/Program.cs', 'Acme.App.Util.Nope', [], 'csharp')).toEqual([]);
  });
});

describe('PHP use and require', () => {
  const shop = fixture('php');

  it('extracts class, grouped, function and const uses, and literal require paths', async () => {
    const text = [
      '<?php',
      'use A\\B\\C;',
      'use \\Lead\\Slash as L;',
      'use A\\B\\{F, G as H};',
      'use function A\\b\\fn1;',
      'use const A\\B\\K;',
      'use A\\{function f, D};',
      "require_once 'x.php';",
      "require __DIR__ . '/lib/y.php';",
      "include_once dirname(__DIR__) . '/z.php';",
      'include "w.php";',
      "require_once('paren.php');",
      "require 'a/' . $x;",
    ].join('\n');
    expect(await extract('php', text)).toEqual([
      { source: 'A\\B\\C', names: [] },
      { source: 'Lead\\Slash', names: [], alias: 'L' },
      { source: 'A\\B\\F', names: [] },
      { source: 'A\\B\\G', names: [], alias: 'H' },
      { source: 'A\\b', names: ['fn1'] },
      { source: 'A\\B', names: ['K'] },
      { source: 'A', names: ['f'] },
      { source: 'A\\D', names: [] },
      { source: 'x.php', names: [] },
      { source: './lib/y.php', names: [] },
      { source: '../z.php', names: [] },
      { source: 'w.php', names: [] },
      { source: 'paren.php', names: [] },
    ]);
    expect((await lines('php', text)).at(-1)).toEqual(['paren.php', 11]);
  });

  it('resolves through composer PSR-4, composer files, path guesses and relative requires', async () => {
    expect(await shop.imports('src/Http/Controller.php')).toEqual([
      { source: 'App\\Models\\User', names: [], files: ['src/Models/User.php'] },
      { source: 'App\\Models\\Post', names: [], files: ['src/Models/Post.php'] },
      { source: 'App\\Models\\Comment', names: [], alias: 'Remark', files: ['src/Models/Comment.php'] },
      { source: 'App\\Support', names: ['format_money'], files: ['src/Support/functions.php'] },
      { source: 'Psr\\Log\\LoggerInterface', names: [], files: [] },
      // No autoload entry covers Lib\: guessed from the path.
      { source: 'Lib\\Thing', names: [], files: ['legacy/Lib/Thing.php'] },
      { source: '../bootstrap.php', names: [], files: ['src/bootstrap.php'] },
      { source: 'config.php', names: [], files: ['config.php'] },
      { source: '../Support/functions.php', names: [], files: ['src/Support/functions.php'] },
      { source: 'missing.php', names: [], files: [] },
    ]);
    expect(shop.resolve('src/Http/Controller.php', 'App\\Models\\Missing', [], 'php')).toEqual([]);
  });
});

describe('Swift imports', () => {
  const pkg = fixture('swift');

  it('extracts module and declaration imports', async () => {
    const text = 'import Foundation\n@testable import MyLib\nimport struct Mod.Thing\nimport Mod.Sub\n';
    expect(await extract('swift', text)).toEqual([
      { source: 'Foundation', names: [] },
      { source: 'MyLib', names: [] },
      { source: 'Mod', names: ['Thing'] },
      { source: 'Mod.Sub', names: [] },
    ]);
  });

  it('maps a module to its Sources/<Module> files, the named declaration first', async () => {
    expect(await pkg.imports('Sources/App/main.swift')).toEqual([
      { source: 'Foundation', names: [], files: [] },
      { source: 'Core', names: [], files: ['Sources/Core/Matrix.swift', 'Sources/Core/Vector.swift'] },
      { source: 'Core', names: ['Vector'], files: ['Sources/Core/Vector.swift', 'Sources/Core/Matrix.swift'] },
      { source: 'Core', names: [], files: ['Sources/Core/Matrix.swift', 'Sources/Core/Vector.swift'] },
    ]);
  });
});
