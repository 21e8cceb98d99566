// The 404 page: only the shared header to fill.
import { startPage } from "./layout.js";

startPage();
