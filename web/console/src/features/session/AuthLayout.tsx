import type { ReactNode } from 'react';
import { LanguageSwitch } from '../../app/LanguageSwitch';

/** The centred card around sign-in, registration and other pages shown before a workspace. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth-page">
      <header className="auth-top">
        <a className="brand" href="/">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={28} height={28} />
          <span>Ulak</span>
        </a>
        <LanguageSwitch />
      </header>
      <main className="auth-card" id="main">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
