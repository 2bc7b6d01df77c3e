import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IocError } from '../../platform/src/index.js';
import { readUsersFile, writeUsersFile, type StoredUser } from '../src/auth/users-file.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ioc-users-file-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function account(username: string, overrides: Partial<StoredUser> = {}): StoredUser {
  return {
    username,
    role: 'operator',
    passwordHash: 'scrypt$16384$8$1$c2FsdA$a2V5',
    createdAt: 1_795_500_000_000,
    updatedAt: 1_795_500_000_000,
    disabled: false,
    sessionsValidFrom: 1_795_500_000_000,
    ...overrides,
  };
}

async function invalid(text: string): Promise<IocError> {
  const path = join(folder, 'users.json');
  await writeFile(path, text);
  const error = await readUsersFile(path).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(IocError);
  expect((error as IocError).code).toBe('IOC_USERS_FILE_INVALID');
  expect((error as IocError).message).toContain(path);
  return error as IocError;
}

describe('users file', () => {
  it('is absent before the first write, then reads back exactly what was written', async () => {
    const path = join(folder, 'nested', 'users.json');
    expect(await readUsersFile(path)).toBeUndefined();
    const users = [account('lan.nguyen'), account('admin', { role: 'admin', disabled: true })];
    await writeUsersFile(path, users);
    expect(await readUsersFile(path)).toEqual(users);
  });

  it('is readable by its owner only, even when it replaces a file others could read', async () => {
    const path = join(folder, 'users.json');
    await writeFile(path, JSON.stringify({ version: 1, users: [] }), { mode: 0o644 });
    await writeUsersFile(path, [account('lan.nguyen')]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('replaces the file whole: a reader of the old file still reads all of it, and no temporary file is left', async () => {
    const path = join(folder, 'users.json');
    const before = [account('lan.nguyen')];
    await writeUsersFile(path, before);
    const reader = await open(path, 'r');
    try {
      await writeUsersFile(path, [account('minh.tran'), account('hoa.le')]);
      expect(JSON.parse(await reader.readFile('utf8')).users).toEqual(before);
    } finally {
      await reader.close();
    }
    expect((await readUsersFile(path))?.map((user) => user.username)).toEqual(['minh.tran', 'hoa.le']);
    expect(await readdir(folder)).toEqual(['users.json']);
  });

  it('leaves no temporary file behind when the write fails', async () => {
    const path = join(folder, 'users.json');
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'x');
    await expect(writeUsersFile(path, [account('lan.nguyen')])).rejects.toThrow();
    expect(await readdir(folder)).toEqual(['users.json']);
  });

  it('refuses a file that is not JSON, e.g. cut short', async () => {
    const whole = `${JSON.stringify({ version: 1, users: [account('lan.nguyen')] })}`;
    const error = await invalid(whole.slice(0, whole.length / 2));
    expect(error.message).toContain('not JSON');
    expect(error.message).toContain('move it aside');
  });

  it('names the field at fault, e.g. a plain password where the hash belongs', async () => {
    const { passwordHash: _hash, ...rest } = account('lan.nguyen');
    const error = await invalid(JSON.stringify({ version: 1, users: [account('admin'), { ...rest, password: 'plain-text-password' }] }));
    expect(error.message).toContain('users[1].passwordHash');
    expect(error.message).toContain('password');
  });

  it('refuses the same username twice, whatever the case', async () => {
    const error = await invalid(JSON.stringify({ version: 1, users: [account('Lan.Nguyen'), account('lan.nguyen')] }));
    expect(error.message).toContain('users[1].username: "lan.nguyen" appears twice');
  });

  it('refuses an unknown file version', async () => {
    const error = await invalid(JSON.stringify({ version: 2, users: [] }));
    expect(error.message).toContain('version');
  });

  it('writes password hashes and nothing that looks like a password', async () => {
    const path = join(folder, 'users.json');
    await writeUsersFile(path, [account('lan.nguyen')]);
    const keys = Object.keys(JSON.parse(await readFile(path, 'utf8')).users[0]).sort();
    expect(keys).toEqual(['createdAt', 'disabled', 'passwordHash', 'role', 'sessionsValidFrom', 'updatedAt', 'username']);
  });
});
