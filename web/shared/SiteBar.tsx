import { PLATFORM_FACTS } from './facts';

/** The apps of the platform, in the order the bar shows them; an app not built yet is not linked. */
export const APP_LINKS = [
  { href: '/', label: 'Home' },
  { href: '/graphql', label: 'API explorer' },
  { href: '/console', label: 'Console' },
  { href: '/citizen', label: 'Dữ liệu của tôi' },
] as const;

/** The bar at the top of every page: the platform's name, its apps and its version. */
export function SiteBar() {
  return (
    <header className="site-bar">
      <strong>Trục tích hợp dữ liệu tỉnh Thanh Hóa</strong>
      <nav>
        {APP_LINKS.map((link) => (
          <a key={link.href} href={link.href}>
            {link.label}
          </a>
        ))}
      </nav>
      <span style={{ marginLeft: 'auto', fontSize: '0.8rem' }}>v{PLATFORM_FACTS.version}</span>
    </header>
  );
}
