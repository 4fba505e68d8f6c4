// Monaco's workers, bundled by Vite from node_modules and served by the gateway like every other file.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import '../shared/page.css';
import './explorer.css';
import { createRoot } from 'react-dom/client';
import { ExplorerApp } from './ExplorerApp';

createRoot(document.getElementById('root')!).render(<ExplorerApp />);
