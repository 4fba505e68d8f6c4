import { createRoot } from 'react-dom/client';
import '../shared/page.css';
import './console.css';
import { ConsoleApp } from './ConsoleApp';

createRoot(document.getElementById('root')!).render(<ConsoleApp />);
