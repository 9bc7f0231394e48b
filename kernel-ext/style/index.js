import './common.css';
import './table.css';
import './graph.css';
import './progress.css';
import './job.css';
import './inspector.css';
import './explain.css';
import './player.css';
