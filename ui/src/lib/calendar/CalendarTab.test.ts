import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import CalendarTab from './CalendarTab.svelte';
import {
  api,
  apiError,
  calendar,
  calendarInput,
  controlledRun,
  diagnosis,
  employee,
  freshEachTest,
  oauthProvider,
  probeReport,
  step,
  testRun,
} from '../../test/fixtures';
import type { CalendarInput, ProbeEvent, TestReport } from '$lib/backend';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');

const { field, queryField, openNew, openNewSaving, openStored, fill, save } = tabDriver(CalendarTab, 'calendar', {
  loaded: () => waitFor(() => expect(api.listEmployees).toHaveBeenCalled()),
  filled: () => waitFor(() => expect(field<HTMLSelectElement>('employee_id').options).toHaveLength(2)),
});

const EVA = employee({ id: 7, name: 'Eva Extern', personnel_number: 'P-17' });

const BASE: CalendarInput = calendarInput({ name: 'Eva Kalender', employee_id: 7, outlook_profile: 'Outlook' });

freshEachTest(() => {
  api.listEmployees.mockResolvedValue([EVA]);
});

describe('calendar accounts', () => {
  it('lists accounts with the employee and searches', async () => {
    api.listCalendars.mockResolvedValue([calendar({ name: 'Eva Kalender', employee_id: 7, backend: 'caldav' })]);
    const u = userEvent.setup();
    render(CalendarTab);
    const item = await screen.findByTestId('calendar-item');
    expect(item).toHaveTextContent('Eva Kalender');
    expect(item).toHaveTextContent('CalDAV');
    await waitFor(() => expect(item).toHaveTextContent('Eva Extern'));
    await u.type(screen.getByTestId('calendar-search'), 'eva');
    await waitFor(() => expect(api.listCalendars).toHaveBeenLastCalledWith('eva'));
  });

  it('create sends the employee, the Outlook profile and the sync range as numbers', async () => {
    const u = await openNewSaving(calendar({ id: 3, name: 'Eva Kalender' }));
    await fill(u, { name: 'Eva Kalender', employee_id: 'Eva Extern (P-17)', outlook_profile: 'Outlook' });
    expect(queryField('caldav_url')).toBeNull();
    await u.clear(field('sync_days_back'));
    await u.type(field('sync_days_back'), '30');
    await save(u);
    await waitFor(() => expect(api.createCalendar).toHaveBeenCalledWith(BASE));
    expect(await screen.findByTestId('calendar-notice')).toHaveTextContent('Kalender-Konto „Eva Kalender“ angelegt.');
  });

  it('CalDAV asks for the address and drops the Outlook profile', async () => {
    const u = await openNewSaving(calendar({ id: 4 }));
    await fill(u, {
      name: 'Eva Kalender',
      employee_id: 'Eva Extern (P-17)',
      outlook_profile: 'Outlook',
      backend: 'caldav',
    });
    expect(queryField('outlook_profile')).toBeNull();
    await save(u);
    expect(screen.getByTestId('field-error-caldav_url')).toHaveTextContent('Pflichtfeld');
    await fill(u, { caldav_url: 'https://dav.example.com/eva/', username: 'eva', password: 'pw' });
    await u.clear(field('sync_days_ahead'));
    await u.type(field('sync_days_ahead'), '90');
    await save(u);
    await waitFor(() =>
      expect(api.createCalendar).toHaveBeenCalledWith({
        ...BASE,
        backend: 'caldav',
        outlook_profile: '',
        caldav_url: 'https://dav.example.com/eva/',
        username: 'eva',
        password: { action: 'set', value: 'pw' },
        sync_days_ahead: 90,
      }),
    );
  });

  it('Microsoft 365 asks for an OAuth provider instead of user name and password', async () => {
    api.listOauthProviders.mockResolvedValue([oauthProvider({ id: 31, name: 'Entra', kind: 'microsoft365' })]);
    const u = await openNewSaving(calendar({ id: 6 }));
    await fill(u, { name: 'Eva Kalender', employee_id: 'Eva Extern (P-17)', backend: 'microsoft365' });
    expect(queryField('password')).toBeNull();
    expect(queryField('username')).toBeNull();
    await save(u);
    expect(api.createCalendar).not.toHaveBeenCalled();
    expect(screen.getByTestId('field-error-oauth_provider_id')).toHaveTextContent('Pflichtfeld');
    await waitFor(() => expect(field<HTMLSelectElement>('oauth_provider_id').options).toHaveLength(2));
    await fill(u, { oauth_provider_id: 'Entra' });
    await save(u);
    await waitFor(() =>
      expect(api.createCalendar).toHaveBeenCalledWith({
        ...BASE,
        backend: 'microsoft365',
        outlook_profile: '',
        oauth_provider_id: 31,
        password: { action: 'clear' },
      }),
    );
  });

  it('an address typed for CalDAV is not sent once the back end is Outlook again', async () => {
    const u = await openNewSaving(calendar({ id: 5 }));
    await fill(u, {
      name: 'Eva Kalender',
      employee_id: 'Eva Extern (P-17)',
      backend: 'caldav',
      caldav_url: 'https://dav.example.com/eva/',
    });
    await fill(u, { backend: 'outlook', outlook_profile: 'Outlook' });
    await save(u);
    await waitFor(() => expect(api.createCalendar).toHaveBeenCalledWith(BASE));
  });

  it('the employee is required; range and backend errors are shown at the inputs', async () => {
    const u = await openNew();
    await u.type(field('name'), 'X');
    await u.clear(field('sync_days_back'));
    await u.type(field('sync_days_back'), '5000');
    await save(u);
    expect(api.createCalendar).not.toHaveBeenCalled();
    expect(screen.getByTestId('field-error-employee_id')).toHaveTextContent('Pflichtfeld');
    expect(screen.getByTestId('field-error-sync_days_back')).toHaveTextContent('0 bis 3650');

    api.createCalendar.mockRejectedValue(
      apiError({
        message: 'Bitte die markierten Felder korrigieren.',
        fields: [{ field: 'employee_id', code: 'missing_ref', message: 'Der gewählte Eintrag (Nr. 7) existiert nicht (mehr).' }],
      }),
    );
    await u.selectOptions(field('employee_id'), 'Eva Extern (P-17)');
    await u.clear(field('sync_days_back'));
    await u.type(field('sync_days_back'), '10');
    await save(u);
    const err = await screen.findByTestId('field-error-employee_id');
    expect(err).toHaveTextContent('existiert nicht');
    expect(field('employee_id').closest('.control')).toContainElement(err);
  });

  it('update sends the version; a stored calendar shows its password state', async () => {
    const c = calendar({ id: 9, version: 5, name: 'Eva', employee_id: 7, password: 'stored' });
    api.listCalendars.mockResolvedValue([c]);
    api.updateCalendar.mockResolvedValue({ item: c, warnings: [] });
    const u = userEvent.setup();
    render(CalendarTab);
    await u.click(await screen.findByTestId('calendar-item'));
    expect(screen.getByTestId('password-state')).toHaveTextContent('im Schlüsselbund gespeichert');
    await save(u);
    await waitFor(() =>
      expect(api.updateCalendar).toHaveBeenCalledWith(9, 5, expect.objectContaining({ employee_id: 7, name: 'Eva' })),
    );
  });
});

describe('calendar test', () => {
  const ANNA = calendar({
    id: 12,
    name: 'Anna Kalender',
    employee_id: 7,
    backend: 'caldav',
    caldav_url: 'https://cal.firma.test/anna/',
    calendar_name: 'Urlaub',
    username: 'anna',
    password: 'stored',
  });

  it('"Verbindung testen" tests the stored CalDAV account step by step and names the calendar to fix', async () => {
    const c = controlledRun<TestReport, ProbeEvent>('cal-1');
    api.testCalendar.mockImplementation(c.impl);
    const u = await openStored(ANNA);
    await waitFor(() => expect(api.testHistory).toHaveBeenCalledWith('calendar_account', 12));
    expect(screen.queryByTestId('test-last')).toBeNull();
    await u.click(screen.getByTestId('calendar-test'));
    expect(api.testCalendar).toHaveBeenCalledWith(12, { extra_roots: [] }, expect.any(Function));
    c.emit({ index: 0, step: step({ role: 'calendar', kind: 'principal', status: 'running' }) });
    expect(await screen.findByTestId('test-step')).toHaveTextContent('Anmeldung (Prinzipal)');
    expect(screen.getByTestId('test-cancel')).toBeInTheDocument();
    const notFound = diagnosis({
      code: 'caldav.calendar_not_found',
      title: 'Kalender nicht gefunden',
      explanation: 'Der eingetragene Kalendername kommt nicht vor.',
      fix: 'Einen der vorhandenen Kalender als Kalendername eintragen.',
      evidence: [
        { key: 'wanted', value: 'Urlaub' },
        { key: 'calendars', value: 'Arbeit (arbeit), Privat (privat)' },
      ],
    });
    c.resolve(
      probeReport({
        ok: false,
        codes: ['caldav.calendar_not_found'],
        steps: [
          step({ role: 'calendar', kind: 'discovery', status: 'skipped', summary: 'Adresse mit Pfad' }),
          step({ role: 'calendar', kind: 'principal', status: 'ok', summary: 'Angemeldet als anna' }),
          step({ role: 'calendar', kind: 'calendar_home', status: 'ok', summary: '/anna/' }),
          step({ role: 'calendar', kind: 'calendars', status: 'failed', summary: notFound.title, diagnosis: notFound }),
        ],
      }),
    );
    const result = await screen.findByTestId('test-result');
    expect(result).toHaveAttribute('data-ok', 'false');
    const names = screen.getAllByTestId('test-step').map((s) => s.getAttribute('data-kind'));
    expect(names).toEqual(['discovery', 'principal', 'calendar_home', 'calendars']);
    const failed = screen.getAllByTestId('test-step')[3];
    expect(failed).toHaveTextContent('Kalender');
    expect(within(failed).getByTestId('diagnosis-target')).toHaveTextContent(
      'CalDAV-Adresse und Kalendername des Kalender-Kontos',
    );
    expect(failed).toHaveTextContent('Vorhandene Kalender');
    expect(failed).toHaveTextContent('Arbeit (arbeit), Privat (privat)');
    expect(screen.queryByTestId('test-cancel')).toBeNull();
  });

  it('shows the newest stored run of the account', async () => {
    api.testHistory.mockResolvedValue([
      testRun({ target_kind: 'calendar_account', target_id: 12, report: probeReport({ ok: false, codes: ['caldav.auth_failed'] }) }),
    ]);
    await openStored(ANNA);
    const last = await screen.findByTestId('test-last');
    expect(last).toHaveAttribute('data-ok', 'false');
    expect(api.testHistory).toHaveBeenCalledWith('calendar_account', 12);
  });

  it('a Microsoft 365 account is tested too (through Graph)', async () => {
    const c = controlledRun<TestReport, ProbeEvent>('cal-2');
    api.testCalendar.mockImplementation(c.impl);
    const u = await openStored(calendar({ id: 14, name: 'Eva M365', backend: 'microsoft365', oauth_provider_id: 3 }));
    expect(screen.getByTestId('test-panel')).toHaveTextContent('über Microsoft Graph');
    await u.click(screen.getByTestId('calendar-test'));
    expect(api.testCalendar).toHaveBeenCalledWith(14, { extra_roots: [] }, expect.any(Function));
  });

  it('an Outlook account cannot be tested; a new CalDAV account is tested as typed, before it is saved', async () => {
    const u = await openStored(calendar({ id: 13, name: 'Outlook Eva', backend: 'outlook', outlook_profile: 'Outlook' }));
    expect(screen.getByTestId('calendar-test')).toBeDisabled();
    expect(screen.getByTestId('calendar-test-not-caldav')).toHaveTextContent('Outlook-Profil');
    await u.click(screen.getByTestId('calendar-new'));
    // A new account starts as an Outlook profile: nothing to test yet.
    expect(await screen.findByTestId('calendar-test-not-caldav')).toBeInTheDocument();
    expect(screen.getByTestId('calendar-test')).toBeDisabled();
    const c = controlledRun<TestReport, ProbeEvent>('cal-draft');
    api.testCalendarDraft.mockImplementation(c.impl);
    await fill(u, {
      name: 'Eva Kalender',
      employee_id: 'Eva Extern (P-17)',
      backend: 'caldav',
      caldav_url: 'https://dav.example.com/eva/',
      username: 'eva',
      password: 'pw-neu',
    });
    expect(screen.getByTestId('test-draft')).toBeInTheDocument();
    await u.click(screen.getByTestId('calendar-test'));
    expect(api.testCalendarDraft).toHaveBeenCalledWith(
      null,
      expect.objectContaining({
        backend: 'caldav',
        caldav_url: 'https://dav.example.com/eva/',
        password: { action: 'set', value: 'pw-neu' },
      }),
      { extra_roots: [] },
      expect.any(Function),
    );
    expect(api.testCalendar).not.toHaveBeenCalled();
    expect(api.createCalendar).not.toHaveBeenCalled();
  });
});
