import type { ComponentChildren } from 'preact';
import type { Session } from './api.ts';
import { ADMIN_ONLY_HINT } from './ui/admin.ts';
import { PAGES, hrefOf, type PageName } from './route.ts';

/** The signed-in frame: navigation, who is signed in, sign-out, and the current page. */
export function Shell({ session, page, onSignOut, children }: { session: Session; page: PageName; onSignOut: () => void; children: ComponentChildren }) {
  return (
    <div class="shell">
      <nav class="nav" aria-label="Main">
        <span class="brand">VR3</span>
        {(Object.keys(PAGES) as PageName[]).map((name) => (
          <a
            key={name}
            href={hrefOf(name)}
            aria-current={name === page ? 'page' : undefined}
            class={PAGES[name].adminOnly && session.role !== 'admin' ? 'admin-only' : undefined}
            title={PAGES[name].adminOnly && session.role !== 'admin' ? ADMIN_ONLY_HINT : undefined}
          >
            {PAGES[name].title}
          </a>
        ))}
        <span class="spacer" />
        <span class="who" data-testid="who">
          {session.email} · {session.role}
        </span>
        <button type="button" class="small" onClick={onSignOut}>
          Sign out
        </button>
      </nav>
      <main class="content">{children}</main>
    </div>
  );
}
