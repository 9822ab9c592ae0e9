// The elements, for a page the pagehide test opens in a frame and then removes.
import '../../../components/index.js';
