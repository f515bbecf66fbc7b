import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SettingsTab from './SettingsTab.svelte';
import GeneralSection from './GeneralSection.svelte';
import CompaniesSection from './CompaniesSection.svelte';
import UsersSection from './UsersSection.svelte';
import GroupsSection from './GroupsSection.svelte';
import EmployeesSection from './EmployeesSection.svelte';
import { api, apiError, company, employee, freshEachTest, group, outgoing, settings, user } from '../../test/fixtures';

vi.mock('$lib/backend');

function field<T extends HTMLElement = HTMLInputElement>(form: string, name: string): T {
  const el = screen.getByTestId(`${form}-form`).querySelector<T>(`[name="${name}"]`);
  if (!el) throw new Error(`no input named ${name}`);
  return el;
}

const ANNA = user({ id: 1, login: 'anna', display_name: 'Anna Schmidt' });
const BERND = user({ id: 2, login: 'bernd' });
const CLARA = user({ id: 3, login: 'clara' });

freshEachTest();

describe('section navigation', () => {
  it('lists the sections; arrows move between them and each is built on first visit', async () => {
    const u = userEvent.setup();
    render(SettingsTab);
    const general = screen.getByTestId('settings-section-general');
    expect(general).toHaveAttribute('aria-selected', 'true');
    for (const id of ['companies', 'users', 'groups', 'employees', 'certificates', 'templates', 'transfer']) {
      expect(screen.getByTestId(`settings-section-${id}`)).toBeInTheDocument();
    }
    expect(screen.getByTestId('settings-section-transfer')).toHaveTextContent('Export/Import');
    expect(api.listCompanies).not.toHaveBeenCalled();

    general.focus();
    await u.keyboard('{ArrowDown}');
    expect(screen.getByTestId('settings-section-companies')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('settings-section-companies')).toHaveFocus();
    await waitFor(() => expect(api.listCompanies).toHaveBeenCalled());
    expect(screen.getByTestId('company-new')).toBeVisible();
  });
});

describe('general settings', () => {
  it('save sends every setting with the version that was read', async () => {
    api.getSettings.mockResolvedValue(settings({ version: 7, fetch_interval_minutes: 15 }));
    api.saveSettings.mockImplementation(async (s) => ({ ...s, version: 8 }));
    const u = userEvent.setup();
    render(GeneralSection);
    const interval = await screen.findByLabelText('Automatischer Abruf alle N Minuten');
    expect(interval).toHaveValue('15');
    await u.clear(interval);
    await u.type(interval, '0');
    await u.click(screen.getByLabelText('Postfach ausblenden'));
    await u.click(screen.getByLabelText('E-Mails nach dem Versand sperren (Revisionssicherheit)'));
    await u.click(screen.getByTestId('settings-save'));
    await waitFor(() =>
      expect(api.saveSettings).toHaveBeenCalledWith({
        ...settings({ version: 7 }),
        fetch_interval_minutes: 0,
        hide_mailbox: true,
        lock_after_send: true,
      }),
    );
    expect(await screen.findByTestId('settings-notice')).toHaveTextContent('Einstellungen gespeichert.');

    // The next save is based on the version the backend returned.
    await u.click(screen.getByLabelText('Keinen manuellen Abruf erlauben'));
    await u.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(api.saveSettings).toHaveBeenLastCalledWith(expect.objectContaining({ version: 8 })));
  });

  it('warns that re-downloading fetches mail again', async () => {
    const u = userEvent.setup();
    render(GeneralSection);
    const box = await screen.findByLabelText('Benutzer können E-Mail neu laden');
    // No warning while the option is off.
    expect(screen.queryByTestId('redownload-warning')).not.toBeInTheDocument();
    await u.click(box);
    const warning = screen.getByTestId('redownload-warning');
    expect(warning).toHaveTextContent('bereits abgerufene E-Mails erneut heruntergeladen');
    expect(box.getAttribute('aria-describedby')).toContain(warning.id);
    expect(warning).toHaveClass('warning');
  });

  it('refuses an interval out of range and offers reload on a conflict', async () => {
    const u = userEvent.setup();
    render(GeneralSection);
    const interval = await screen.findByLabelText('Automatischer Abruf alle N Minuten');
    await u.clear(interval);
    await u.type(interval, '2000');
    await u.click(screen.getByTestId('settings-save'));
    expect(screen.getByTestId('field-error-fetch_interval_minutes')).toHaveTextContent('0 bis 1440');
    expect(api.saveSettings).not.toHaveBeenCalled();

    await u.clear(interval);
    await u.type(interval, '30');
    api.saveSettings.mockRejectedValue(apiError({ code: 'conflict', message: 'Einstellungen wurden inzwischen geändert.' }));
    await u.click(screen.getByTestId('settings-save'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('inzwischen geändert');
    api.getSettings.mockResolvedValue(settings({ version: 9, fetch_interval_minutes: 60 }));
    await u.click(screen.getByTestId('form-reload'));
    await waitFor(() => expect(interval).toHaveValue('60'));
  });
});

describe('companies', () => {
  it('create sends the default outgoing server id (or null)', async () => {
    api.listOutgoing.mockResolvedValue([outgoing({ id: 20, name: 'Versand Zentrale' })]);
    api.createCompany.mockResolvedValue(company({ id: 30, name: 'Müller Bau GmbH' }));
    const u = userEvent.setup();
    render(CompaniesSection);
    await u.click(screen.getByTestId('company-new'));
    await u.type(field('company', 'name'), 'Müller Bau GmbH');
    await u.type(field('company', 'code'), 'MB01');
    await waitFor(() => expect(field<HTMLSelectElement>('company', 'default_outgoing_server_id').options).toHaveLength(2));
    await u.selectOptions(field('company', 'default_outgoing_server_id'), 'Versand Zentrale');
    await u.click(screen.getByTestId('company-save'));
    await waitFor(() =>
      expect(api.createCompany).toHaveBeenCalledWith({ name: 'Müller Bau GmbH', code: 'MB01', default_outgoing_server_id: 20 }),
    );
    expect(await screen.findByTestId('company-notice')).toHaveTextContent('Betrieb „Müller Bau GmbH“ angelegt.');
  });

  it('a duplicate name is shown at the name', async () => {
    api.createCompany.mockRejectedValue(
      apiError({ field: 'name', fields: [{ field: 'name', code: 'duplicate', message: 'Der Name „X“ ist bereits vergeben.' }] }),
    );
    const u = userEvent.setup();
    render(CompaniesSection);
    await u.click(screen.getByTestId('company-new'));
    await u.type(field('company', 'name'), 'X');
    await u.click(screen.getByTestId('company-save'));
    const err = await screen.findByTestId('field-error-name');
    expect(err).toHaveTextContent('bereits vergeben');
    expect(field('company', 'name').closest('.control')).toContainElement(err);
    expect(api.createCompany).toHaveBeenCalledWith({ name: 'X', code: '', default_outgoing_server_id: null });
  });
});

describe('users', () => {
  it('create sends login, display name and e-mail', async () => {
    api.createUser.mockResolvedValue(user({ id: 5, login: 'anna' }));
    const u = userEvent.setup();
    render(UsersSection);
    await u.click(screen.getByTestId('user-new'));
    await u.type(field('user', 'login'), 'anna');
    await u.type(field('user', 'display_name'), 'Anna Schmidt');
    await u.type(field('user', 'email'), 'anna@example.com');
    await u.click(screen.getByTestId('user-save'));
    await waitFor(() =>
      expect(api.createUser).toHaveBeenCalledWith({ login: 'anna', display_name: 'Anna Schmidt', email: 'anna@example.com' }),
    );
    expect(await screen.findByTestId('user-notice')).toHaveTextContent('Benutzer „anna“ angelegt.');
  });

  it('a login with spaces is refused; backend errors land at the field', async () => {
    const u = userEvent.setup();
    render(UsersSection);
    await u.click(screen.getByTestId('user-new'));
    await u.type(field('user', 'login'), 'anna s');
    await u.click(screen.getByTestId('user-save'));
    expect(screen.getByTestId('field-error-login')).toHaveTextContent('Leerzeichen');
    expect(api.createUser).not.toHaveBeenCalled();

    api.createUser.mockRejectedValue(
      apiError({ fields: [{ field: 'email', code: 'email_invalid', message: 'Keine gültige E-Mail-Adresse: kein @' }] }),
    );
    await u.clear(field('user', 'login'));
    await u.type(field('user', 'login'), 'anna');
    await u.type(field('user', 'email'), 'kaputt');
    await u.click(screen.getByTestId('user-save'));
    expect(await screen.findByTestId('field-error-email')).toHaveTextContent('kein @');
  });

  it('CSV import shows which rows were refused and why', async () => {
    api.importUsersCsv.mockResolvedValue([
      { line: 2, login: 'anna', created: true, errors: [] },
      { line: 3, login: 'anna', created: false, errors: [{ field: 'login', code: 'duplicate', message: 'Der Name „anna“ ist bereits vergeben.' }] },
      { line: 4, login: 'bad', created: false, errors: [{ field: 'email', code: 'email_invalid', message: 'Keine gültige E-Mail-Adresse: kein @' }] },
    ]);
    const u = userEvent.setup();
    render(UsersSection);
    await waitFor(() => expect(api.listUsers).toHaveBeenCalledTimes(1));
    await u.click(screen.getByTestId('csv-open'));
    const csv = 'login;display_name;email\nanna;Anna;anna@example.com\nanna;Anna 2;a2@example.com\nbad;Bad;kaputt';
    await u.upload(screen.getByTestId('csv-file'), new File([csv], 'users.csv', { type: 'text/csv' }));
    await waitFor(() => expect(screen.getByTestId('csv-text')).toHaveValue(csv));
    await u.click(screen.getByTestId('csv-run'));

    await waitFor(() => expect(api.importUsersCsv).toHaveBeenCalledWith(csv));
    expect(await screen.findByTestId('csv-summary')).toHaveTextContent('1 angelegt, 2 abgelehnt.');
    const rows = within(screen.getByTestId('csv-report')).getAllByTestId('csv-row');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent('angelegt');
    expect(rows[1]).toHaveTextContent('3');
    expect(rows[1]).toHaveTextContent('abgelehnt');
    expect(rows[1]).toHaveTextContent('bereits vergeben');
    expect(rows[2]).toHaveTextContent('email: Keine gültige E-Mail-Adresse: kein @');
    // The list shows the new user.
    await waitFor(() => expect(api.listUsers).toHaveBeenCalledTimes(2));
  });

  it('an unusable CSV header is explained', async () => {
    api.importUsersCsv.mockRejectedValue(
      apiError({ field: 'csv', fields: [{ field: 'csv', code: 'csv_header', message: 'Die erste Zeile muss die Spaltennamen enthalten' }] }),
    );
    const u = userEvent.setup();
    render(UsersSection);
    await u.click(screen.getByTestId('csv-open'));
    await u.type(screen.getByTestId('csv-text'), 'x,y');
    await u.click(screen.getByTestId('csv-run'));
    expect(await screen.findByTestId('csv-error')).toHaveTextContent('Spaltennamen');
  });
});

describe('groups', () => {
  beforeEach(() => {
    api.listUsers.mockResolvedValue([ANNA, BERND, CLARA]);
  });

  it('create sends the checked members', async () => {
    api.createGroup.mockResolvedValue(group({ id: 10, name: 'Vertrieb', member_ids: [1, 3] }));
    const u = userEvent.setup();
    render(GroupsSection);
    await u.click(screen.getByTestId('group-new'));
    await u.type(field('group', 'name'), 'Vertrieb');
    await u.click(await screen.findByTestId('group-member-clara'));
    await u.click(screen.getByTestId('group-member-anna'));
    await u.click(screen.getByTestId('group-save'));
    await waitFor(() =>
      expect(api.createGroup).toHaveBeenCalledWith({ name: 'Vertrieb', description: '', member_ids: [1, 3] }),
    );
  });

  async function askDelete() {
    const vertrieb = group({ id: 10, version: 3, name: 'Vertrieb', member_ids: [1] });
    const einkauf = group({ id: 11, name: 'Einkauf' });
    api.listGroups.mockResolvedValue([vertrieb, einkauf]);
    api.deleteGroup.mockRejectedValueOnce(
      apiError({ code: 'in_use', message: 'Gruppe „Vertrieb“ wird noch verwendet von: Konto „Vertrieb Postfach“.' }),
    );
    const u = userEvent.setup();
    render(GroupsSection);
    await u.click((await screen.findAllByTestId('group-item'))[0]);
    expect(screen.getByTestId('group-member-anna')).toBeChecked();
    await u.click(screen.getByTestId('group-delete'));
    await u.click(screen.getByTestId('group-delete-confirm'));
    await waitFor(() => expect(api.deleteGroup).toHaveBeenCalledWith(10, 3, { action: 'refuse' }));
    const q = await screen.findByTestId('group-fate');
    expect(q).toHaveTextContent('Was soll mit ihnen geschehen?');
    expect(screen.getByTestId('group-fate-message')).toHaveTextContent('Konto „Vertrieb Postfach“');
    return u;
  }

  it('deleting a group with shared mailboxes asks, then moves them to another group', async () => {
    const u = await askDelete();
    api.deleteGroup.mockResolvedValue({ id: 10, warnings: [] });
    await u.click(screen.getByTestId('group-fate-confirm'));
    expect(screen.getByTestId('fate-error')).toHaveTextContent('Gruppe wählen');
    await u.selectOptions(screen.getByTestId('fate-group'), 'Einkauf');
    expect(within(screen.getByTestId('fate-group')).queryByRole('option', { name: 'Vertrieb' })).toBeNull();
    await u.click(screen.getByTestId('group-fate-confirm'));
    await waitFor(() => expect(api.deleteGroup).toHaveBeenLastCalledWith(10, 3, { action: 'reassign', group_id: 11 }));
    expect(await screen.findByTestId('group-notice')).toHaveTextContent('Gruppe „Vertrieb“ gelöscht.');
  });

  it('... or deletes them with the group', async () => {
    const u = await askDelete();
    api.deleteGroup.mockResolvedValue({ id: 10, warnings: [] });
    await u.click(screen.getByTestId('fate-delete'));
    await u.click(screen.getByTestId('group-fate-confirm'));
    await waitFor(() => expect(api.deleteGroup).toHaveBeenLastCalledWith(10, 3, { action: 'delete' }));
    expect(api.deleteGroup).toHaveBeenCalledTimes(2);
  });

  it('a group without mailboxes is deleted at once', async () => {
    api.listGroups.mockResolvedValue([group({ id: 12, name: 'Leer' })]);
    api.deleteGroup.mockResolvedValue({ id: 12, warnings: [] });
    const u = userEvent.setup();
    render(GroupsSection);
    await u.click(await screen.findByTestId('group-item'));
    await u.click(screen.getByTestId('group-delete'));
    await u.click(screen.getByTestId('group-delete-confirm'));
    expect(await screen.findByTestId('group-notice')).toHaveTextContent('Gruppe „Leer“ gelöscht.');
    expect(screen.queryByTestId('group-fate')).not.toBeInTheDocument();
  });
});

describe('employees', () => {
  it('create sends the linked app user, or null for a person who is not one', async () => {
    api.listUsers.mockResolvedValue([ANNA]);
    api.createEmployee.mockResolvedValue(employee({ id: 8, name: 'Eva' }));
    const u = userEvent.setup();
    render(EmployeesSection);
    await u.click(screen.getByTestId('employee-new'));
    await u.type(field('employee', 'name'), 'Eva Extern');
    await u.type(field('employee', 'personnel_number'), 'P-17');
    await u.click(screen.getByTestId('employee-save'));
    await waitFor(() =>
      expect(api.createEmployee).toHaveBeenCalledWith({ name: 'Eva Extern', email: '', personnel_number: 'P-17', user_id: null }),
    );

    await u.click(screen.getByTestId('employee-new'));
    await u.type(field('employee', 'name'), 'Anna');
    await waitFor(() => expect(field<HTMLSelectElement>('employee', 'user_id').options).toHaveLength(2));
    await u.selectOptions(field('employee', 'user_id'), 'Anna Schmidt (anna)');
    await u.click(screen.getByTestId('employee-save'));
    await waitFor(() => expect(api.createEmployee).toHaveBeenLastCalledWith(expect.objectContaining({ user_id: 1 })));
  });
});
