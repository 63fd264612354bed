// The visitor frame's entry point (served as /widget/frame.html by Haven).

import { App } from './app';
import { kBrowserClock } from '../shared/clock';
import { readEmbedding } from './embedding';
import { fetchHelplineInfo } from './helpline_info';
import { loadSodium } from './sodium_loader';

const socketUrl = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}/ws/visitor`;

new App({
  window,
  embedding: readEmbedding(window.location.hash),
  socketUrl,
  createSocket: (url) => new WebSocket(url),
  loadSodium,
  loadInfo: () => fetchHelplineInfo(window),
  clock: kBrowserClock,
}).start();
