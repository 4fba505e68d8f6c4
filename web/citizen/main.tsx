import { createRoot } from 'react-dom/client';
import '../shared/page.css';
import { CitizenApp } from './CitizenApp';

createRoot(document.getElementById('root')!).render(<CitizenApp />);
