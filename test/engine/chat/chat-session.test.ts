/** Chat persistence: atomic saves in .inline/chats, resume by id or the latest, clear errors. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatNotFound, ChatSession, chatsDir } from '../../../src/engine/chat/chat-session.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'inline-chat-session-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('ChatSession', () => {
  it('saves and resumes by id and as the latest, leaving no temp files', () => {
    const first = ChatSession.create(root, 'qwen2.5-coder-7b', new Date('2025-01-01T10:00:00Z'));
    first.addFile('a.py');
    first.append({ role: 'user', content: 'hi' });
    first.lastEdit = { commit: 'abc123', files: ['a.py'] };
    first.save(new Date('2025-01-01T10:00:00Z'));
    const second = ChatSession.create(root, undefined, new Date('2025-01-02T10:00:00Z'));
    second.append({ role: 'user', content: 'later' });
    second.save(new Date('2025-01-02T10:00:00Z'));

    expect(readdirSync(chatsDir(root)).sort()).toEqual([`${first.id}.json`, `${second.id}.json`].sort());
    const byId = ChatSession.resume(root, first.id)!;
    expect(byId.files).toEqual(['a.py']);
    expect(byId.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(byId.lastEdit).toEqual({ commit: 'abc123', files: ['a.py'] });
    expect(byId.model).toBe('qwen2.5-coder-7b');
    expect(ChatSession.resume(root)!.id).toBe(second.id);
  });

  it('does not save an empty chat, and counts history tokens', () => {
    const empty = ChatSession.create(root);
    empty.save();
    expect(ChatSession.resume(root)).toBeUndefined();
    empty.append({ role: 'user', content: 'def f(x):\n    return x\n' });
    expect(empty.historyTokens()).toBeGreaterThan(4);
  });

  it('refuses unknown, malformed and damaged chats with a clear error', () => {
    expect(() => ChatSession.resume(root, 'missing')).toThrow(ChatNotFound);
    expect(() => ChatSession.resume(root, '../etc/passwd')).toThrow(/is not a chat id/);
    const session = ChatSession.create(root);
    session.addFile('x');
    session.save();
    writeFileSync(session.path(), '{ not json');
    expect(() => ChatSession.resume(root, session.id)).toThrow(/not valid JSON/);
    // The latest-chat lookup skips it rather than failing.
    expect(ChatSession.resume(root)).toBeUndefined();
  });
});
