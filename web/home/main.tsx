import { createRoot } from 'react-dom/client';
import '../shared/page.css';
import { HomePage } from './HomePage';

createRoot(document.getElementById('root')!).render(<HomePage />);
