import type { ComponentChildren } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { ErrorMessage } from '../error-message.tsx';
import type { CredentialTestResult, Page } from '../types.ts';
import { ConfirmButton } from './confirm-button.tsx';
import { ListFooter } from './list-footer.tsx';
import { TestButton } from './test-button.tsx';
import { usePagedList } from './use-paged-list.ts';

/** One column of a {@link ResourceList}. */
export interface Column<T> {
  header: string;
  cell: (item: T) => ComponentChildren;
}

/** What the form of a {@link ResourceList} is given: the item to edit (`null`: a new one) and how to close it. */
export interface ResourceFormProps<T> {
  item: T | null;
  onSaved: () => void;
  onCancel: () => void;
}

/** Props of {@link ResourceList}. */
export interface ResourceListProps<T extends { id: string }> {
  title: string;
  /** Label of the button opening an empty form ("New configuration"). */
  newLabel: string;
  /** `data-testid` of the table. */
  testId: string;
  /** Shown when the list is empty. */
  empty: string;
  /** The select filtering the list: its label, `name`, and the values besides "all". */
  filter: { label: string; name: string; options: readonly string[] };
  /** One page of items, filtered by `filter` (`''`: all). */
  fetchPage: (cursor: string | undefined, filter: string) => Promise<Page<T>>;
  columns: readonly Column<T>[];
  /** The create/edit form. */
  form: (props: ResourceFormProps<T>) => ComponentChildren;
  remove: (item: T) => Promise<void>;
  /** Checks an item's stored credentials (the "Test" button of each row). */
  test: (item: T) => Promise<CredentialTestResult>;
  /** Why an item cannot be tested (its Test button is disabled with this title); `undefined`: it can. */
  untestable?: (item: T) => string | undefined;
}

/**
 * A page of an organization's stored accounts (telephony configurations, service credentials): a
 * header with a "New" button, the create/edit form, a filter, and a paged table whose rows can be
 * tested, edited and deleted.
 */
export function ResourceList<T extends { id: string }>(props: ResourceListProps<T>) {
  const { fetchPage, remove } = props;
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const fetchFiltered = useCallback((cursor: string | undefined) => fetchPage(cursor, filter), [fetchPage, filter]);
  const list = usePagedList(fetchFiltered);

  const onDelete = async (item: T) => {
    setActionError(null);
    try {
      await remove(item);
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const closeForm = (saved: boolean) => {
    setEditing(null);
    if (saved) list.reload();
  };

  return (
    <section>
      <header class="page-header">
        <h1>{props.title}</h1>
        <button type="button" onClick={() => setEditing('new')}>
          {props.newLabel}
        </button>
      </header>
      {editing !== null ? (
        <div key={editing === 'new' ? 'new' : editing.id}>{props.form({ item: editing === 'new' ? null : editing, onSaved: () => closeForm(true), onCancel: () => closeForm(false) })}</div>
      ) : null}
      <div class="filters">
        <label class="inline">
          {props.filter.label}{' '}
          <select name={props.filter.name} value={filter} onChange={(e) => setFilter(e.currentTarget.value)}>
            <option value="">all</option>
            {props.filter.options.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={actionError} />
      {list.items.length > 0 ? (
        <table class="list" data-testid={props.testId}>
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th key={c.header}>{c.header}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {list.items.map((item) => {
              const untestable = props.untestable?.(item);
              return (
                <tr key={item.id} data-id={item.id}>
                  {props.columns.map((c) => (
                    <td key={c.header}>{c.cell(item)}</td>
                  ))}
                  <td class="row-actions">
                    <TestButton run={() => props.test(item)} disabled={untestable !== undefined} {...(untestable === undefined ? {} : { title: untestable })} />{' '}
                    <button type="button" class="small" onClick={() => setEditing(item)}>
                      Edit
                    </button>{' '}
                    <ConfirmButton label="Delete" question="Delete it?" onConfirm={() => void onDelete(item)} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <ListFooter list={list} empty={props.empty} />
    </section>
  );
}
