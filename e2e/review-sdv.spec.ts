import { expect, test } from '@playwright/test';
import {
  apiUser,
  CHEMO_VALUES,
  device,
  push,
  seedCasebook,
  setFieldOp,
  synced,
  syncNow,
} from './review-support';
import { DEMO_PASSWORD, expectNoAxeViolations, USERS } from './support/app';

/**
 * Issue 6 end to end — source data verification, e-signature, locks. Real browsers, the
 * real server on PGlite (on PostgreSQL: src/server/routes/review.db.test.ts).
 */

const FIELDS = CHEMO_VALUES.map(([, , path]) => path);

/** Changes total_cycles on the open CHEMO form, with a reason (the value is on the server). */
async function changeCycles(
  cb: import('./support/casebook').CasebookPage,
  value: string,
): Promise<void> {
  const field = cb.field('total_cycles');
  await field.getByRole('textbox').fill(value);
  await cb.page.keyboard.press('Tab');
  await field.getByLabel('Reason for change').selectOption({ label: 'Transcription error' });
  await field.getByRole('button', { name: 'Save reason' }).click();
  await synced(cb.page);
}

test.describe('source data verification, signature, locks', () => {
  test('a monitor verifies a form; the investigator changes one verified value; that field only shows "changed since verified", linked to its history', async ({
    browser,
    playwright,
  }) => {
    test.setTimeout(90_000);
    const inv = await apiUser(playwright, USERS.investigator);
    const s = await seedCasebook(inv, CHEMO_VALUES);
    await inv.dispose();

    const mon = await device(browser, USERS.monitor);
    await mon.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    await mon.page.getByRole('button', { name: 'Verify this form' }).click();
    await expect(mon.page.getByTestId('sdv-done')).toHaveText('4 values marked verified.');
    for (const p of FIELDS)
      await expect(mon.cb.field(p).getByTestId('sdv-state')).toHaveText('✓ Verified');
    const fieldVerify = mon.page.locator('.crf-form').getByRole('button', { name: /^Verify / });
    await expect(fieldVerify).toHaveCount(0);

    const site = await device(browser, USERS.investigator);
    await site.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    await expect(site.cb.field('total_cycles').getByTestId('sdv-state')).toHaveText('✓ Verified');
    await changeCycles(site.cb, '7');

    await syncNow(mon.page);
    const changed = mon.cb.field('total_cycles');
    await expect(changed.getByTestId('sdv-state')).toHaveText('Changed since verified');
    for (const p of FIELDS.filter((x) => x !== 'total_cycles'))
      await expect(mon.cb.field(p).getByTestId('sdv-state')).toHaveText('✓ Verified');
    // The monitor can verify the changed value again, and only that one.
    await expect(fieldVerify).toHaveCount(1);
    await expect(fieldVerify).toHaveAccessibleName('Verify Total number of cycles');
    await expectNoAxeViolations(mon.page);
    await changed.getByRole('link', { name: /^See the change/ }).click();
    const audit = mon.page.getByTestId('audit-table').locator('tbody tr');
    await expect(audit.filter({ hasText: 'Changed since verified' })).toHaveCount(1);
    await expect(audit.filter({ hasText: 'Transcription error' })).toContainText('7');

    // The progress page lists the subject with 3 of 4 values verified.
    await mon.page.getByRole('link', { name: 'Source data verification', exact: true }).click();
    const subjectRow = mon.page
      .getByTestId('sdv-subjects')
      .locator('tr')
      .filter({ has: mon.page.getByRole('link', { name: s.label, exact: true }) });
    await expect(subjectRow).toContainText('3 of 4 (75%)');
    await expect(
      mon.page.getByTestId('sdv-queue').getByRole('row').filter({ hasText: s.label }),
    ).toContainText('Chemotherapy');
    await expectNoAxeViolations(mon.page);
    await site.context.close();
    await mon.context.close();
  });

  test('the PI signs a casebook (a wrong password is refused, offline the panel says why it cannot); a later change voids the signature and the audit trail records it', async ({
    browser,
    playwright,
  }) => {
    test.setTimeout(90_000);
    const inv = await apiUser(playwright, USERS.investigator);
    const s = await seedCasebook(inv, CHEMO_VALUES);
    await inv.dispose();

    const pi = await device(browser, USERS.investigator);
    await pi.page.goto(`/subjects/${s.subjectId}`);
    const panel = pi.page.getByTestId('signature-panel');
    await expect(panel.getByTestId('signature-state')).toHaveText('This casebook is not signed.');
    await expect(panel.getByTestId('signature-meaning')).toHaveText(
      'I confirm that the data in this casebook are accurate and complete.',
    );
    const sign = panel.getByRole('button', { name: 'Sign casebook' });
    const password = panel.getByLabel('Your password (re-entered to sign)');

    await pi.context.setOffline(true);
    await password.fill(DEMO_PASSWORD);
    await expect(panel.getByTestId('signature-blocked')).toHaveText(
      'Signing needs a connection: the server checks your password. Connect to sign.',
    );
    await expect(sign).toBeDisabled();
    await pi.context.setOffline(false);

    await password.fill('not-my-password-at-all');
    await sign.click();
    await expect(panel.getByRole('alert')).toHaveText(
      'Password incorrect: the casebook was not signed.',
    );
    await expect(panel.getByTestId('signature-state')).toHaveText('This casebook is not signed.');
    await password.fill(DEMO_PASSWORD);
    await sign.click();
    await expect(panel.getByTestId('signature-state')).toContainText(
      /Signed by Dr Claire Martin on \d{2}-[A-Z]{3}-\d{4} \d{2}:\d{2} UTC/,
    );
    await expect(sign).toHaveCount(0);
    await expectNoAxeViolations(pi.page);

    // Everyone sees it: the data manager's device, after a sync.
    const dm = await device(browser, USERS.dataManager);
    await dm.page.goto(`/subjects/${s.subjectId}`);
    await expect(dm.page.getByTestId('signature-state')).toContainText(
      'Signed by Dr Claire Martin',
    );

    // A later change voids it.
    await pi.cb.open('Chemotherapy');
    await changeCycles(pi.cb, '10');
    await syncNow(pi.page);
    await pi.cb.overview();
    await expect(panel.getByTestId('signature-state')).toContainText(
      'The signature of Dr Claire Martin',
    );
    await expect(panel.getByTestId('signature-state')).toContainText(
      'Reason: Data changed after signing (CHEMO 1 total_cycles)',
    );
    await expect(sign).toBeVisible();
    await panel.getByRole('link', { name: 'See the audit trail' }).click();
    const audit = pi.page.getByTestId('audit-table').locator('tbody tr');
    await expect(audit.filter({ hasText: 'Signing refused (wrong password)' })).toHaveCount(1);
    await expect(audit.filter({ hasText: 'Casebook signed' })).toContainText('Dr Claire Martin');
    await expect(audit.filter({ hasText: 'Signature voided' })).toHaveCount(1);

    await syncNow(dm.page);
    await expect(dm.page.getByTestId('signature-state')).toContainText('is void');
    await dm.context.close();
    await pi.context.close();
  });

  test('a locked form is read-only on the site device and a tampered push to it is refused by the server; unlocking needs a reason', async ({
    browser,
    playwright,
  }) => {
    test.setTimeout(90_000);
    const inv = await apiUser(playwright, USERS.investigator);
    const s = await seedCasebook(inv, CHEMO_VALUES);

    const dm = await device(browser, USERS.dataManager);
    await dm.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    const lockBox = dm.page.getByRole('region', { name: 'Lock: Chemotherapy' });
    await lockBox.getByRole('button', { name: 'Lock', exact: true }).click();
    await expect(lockBox.getByTestId('lock-state')).toHaveText('Locked here.');
    await expect(dm.page.getByTestId('lock-banner')).toContainText(
      'Chemotherapy is locked by data management',
    );
    await expectNoAxeViolations(dm.page);

    const site = await device(browser, USERS.investigator);
    await site.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    await expect(site.page.getByTestId('lock-banner')).toContainText(
      'Chemotherapy is locked by data management: no changes are possible.',
    );
    await expect(site.cb.field('total_cycles')).toContainText('8');
    await expect(site.page.locator('.crf-form').getByRole('textbox')).toHaveCount(0);
    await expect(site.page.locator('.crf-form').getByRole('radio')).toHaveCount(0);
    // Other forms stay open to changes.
    await site.page.goto(`/subjects/${s.subjectId}/REG/1`);
    await expect(site.cb.field('age_years').getByRole('textbox')).toBeEditable();

    // A tampered client sends the change anyway, from the page's own session.
    const forged = setFieldOp(inv.id, s.subjectId, ['CHEMO', '1', 'total_cycles', 12], {
      baseRev: s.revs.get('total_cycles')!,
      reason: 'tampered',
    });
    const tampered = await site.page.request.post('/api/sync/push', {
      data: { deviceId: forged.deviceId, ops: [forged] },
    });
    const [result] = (await tampered.json()).results;
    expect(result).toMatchObject({ status: 'rejected', code: 423, error: 'locked' });
    expect(result.message).toContain('locked');

    // Unlock: a reason first; then the site may change the form again.
    await lockBox.getByRole('button', { name: 'Unlock…' }).click();
    const confirm = lockBox.getByRole('button', { name: 'Unlock', exact: true });
    await expect(confirm).toBeDisabled();
    await lockBox.getByLabel('Reason for unlocking').fill('Query on cycles to be answered');
    await confirm.click();
    await expect(lockBox.getByTestId('lock-state')).toHaveText('Not locked here.');
    const [after] = await push(inv.request, [
      setFieldOp(inv.id, s.subjectId, ['CHEMO', '1', 'total_cycles', 12], {
        baseRev: s.revs.get('total_cycles')!,
        reason: 'Transcription error',
      }),
    ]);
    expect(after?.status).toBe('applied');
    await syncNow(site.page);
    await site.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    await expect(site.page.getByTestId('lock-banner')).toHaveCount(0);
    await expect(site.cb.field('total_cycles').getByRole('textbox')).toHaveValue('12');
    await inv.dispose();
    await site.context.close();
    await dm.context.close();
  });
});
