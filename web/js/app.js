// Entry point: navigation, route table and the role guard.

import { currentUser, endSession, onSessionChange, refreshMe } from "./api.js";
import { h, clear, alertBox } from "./dom.js";
import { route, notFound, start, navigate, location } from "./router.js";
import { loginView, signupView } from "./views/auth.js";
import { catalogueView } from "./views/catalogue.js";
import { courseView } from "./views/course.js";
import { lessonView } from "./views/lesson.js";
import { chatView } from "./views/chat.js";
import { progressView } from "./views/progress.js";
import { teachListView } from "./views/teach.js";
import { teachCourseView } from "./views/teach_course.js";
import { draftsView } from "./views/drafts.js";
import { conversationsView } from "./views/conversations.js";
import { conversationView } from "./views/conversation.js";
import { contentGapsView } from "./views/content_gaps.js";
import { usageView } from "./views/usage.js";
import { tutorPolicyView } from "./views/tutor_policy.js";
import { deepLinkView, launchView, linkView, unlinkedView } from "./views/lti.js";

const main = () => document.getElementById("main");

function navLinks() {
  const user = currentUser();
  const links = user
    ? [["#/courses", "Courses"], ["#/chat", "Tutor chat"], ["#/progress", "My progress"]]
    : [["#/login", "Sign in"], ["#/signup", "Sign up"]];
  if (user && user.role === "instructor") links.push(["#/teach", "Teach"]);
  return links;
}

function renderNav() {
  const nav = clear(document.getElementById("nav"));
  const here = location().path;
  const list = h("ul");
  for (const [href, label] of navLinks()) {
    const current = here === href.slice(1) || here.startsWith(`${href.slice(1)}/`);
    list.append(h("li", null, h("a", { href, "aria-current": current ? "page" : null }, label)));
  }
  const user = currentUser();
  if (user) {
    list.append(
      h("li.who", null, h("span", null, `${user.profile?.full_name || user.email} (${user.role})`)),
      h("li", null, h("button.linklike", { type: "button", onclick: signOut }, "Sign out")),
    );
  }
  nav.append(list);
}

let signingOut = false;

function signOut() {
  signingOut = true;
  endSession(); // clears the session at once (the listener below takes us to the sign-in page)
  signingOut = false;
}

/** Wrap a view: signed-in users only (and instructors only when `instructor`). */
function guarded(view, { instructor = false } = {}) {
  return async (params, query) => {
    const user = currentUser();
    const target = clear(main());
    if (!user) {
      const { path } = location();
      navigate(`/login?next=${encodeURIComponent(path)}`, { replace: true });
      return;
    }
    if (instructor && user.role !== "instructor") {
      document.title = "Not allowed · Tutor";
      const heading = h("h1", { tabindex: "-1" }, "Instructors only");
      target.append(heading, alertBox("This page is for instructors. You have been sent back to the catalogue.", "error"),
        h("p", null, h("a", { href: "#/courses" }, "Browse courses")));
      heading.focus();
      return;
    }
    try {
      await view(target, params, query);
    } catch (err) {
      target.append(alertBox(err.message || String(err)));
    }
  };
}

function publicView(view) {
  return (params, query) => view(clear(main()), params, query);
}

route("/", () => navigate(currentUser() ? "/courses" : "/login", { replace: true }));
route("/login", publicView(loginView));
route("/signup", publicView(signupView));
route("/courses", guarded(catalogueView));
route("/courses/:id", guarded(courseView));
route("/courses/:id/lessons/:lessonId", guarded(lessonView));
route("/chat", guarded(chatView));
route("/chat/:threadId", guarded(chatView));
route("/progress", guarded(progressView));
route("/teach", guarded(teachListView, { instructor: true }));
route("/teach/:id", guarded(teachCourseView, { instructor: true }));
route("/teach/:id/drafts", guarded(draftsView, { instructor: true }));
route("/teach/:id/conversations", guarded(conversationsView, { instructor: true }));
route("/teach/:id/conversations/:threadId", guarded(conversationView, { instructor: true }));
route("/teach/:id/gaps", guarded(contentGapsView, { instructor: true }));
route("/teach/:id/usage", guarded(usageView, { instructor: true }));
route("/teach/:id/tutor-policy", guarded(tutorPolicyView, { instructor: true }));
route("/lti/unlinked", guarded(unlinkedView));
route("/lti/link/:key", guarded(linkView, { instructor: true }));
route("/lti/deep-link/:id", guarded(deepLinkView, { instructor: true }));
route("/lti/:code", publicView(launchView));
notFound(() => {
  const target = clear(main());
  target.append(h("h1", null, "Page not found"), h("p", null, h("a", { href: "#/courses" }, "Go to the catalogue")));
});

window.addEventListener("hashchange", renderNav);
onSessionChange((session) => {
  renderNav();
  const { path } = location();
  if (session || ["/login", "/signup"].includes(path)) return;
  // An expired session comes back to the same page after signing in again; signing out does not.
  navigate(signingOut ? "/login" : `/login?next=${encodeURIComponent(path)}`);
});

document.getElementById("menu-toggle").addEventListener("click", (event) => {
  const open = event.currentTarget.getAttribute("aria-expanded") !== "true";
  event.currentTarget.setAttribute("aria-expanded", String(open));
  document.body.classList.toggle("nav-open", open);
});
document.getElementById("nav").addEventListener("click", (event) => {
  if (event.target.closest("a")) {
    document.body.classList.remove("nav-open");
    document.getElementById("menu-toggle").setAttribute("aria-expanded", "false");
  }
});
document.getElementById("skip").addEventListener("click", (event) => {
  event.preventDefault();
  main().focus();
});

async function boot() {
  renderNav();
  if (currentUser()) {
    // The stored role could be stale: the API's answer decides which pages are shown.
    try {
      await refreshMe();
    } catch {
      // An expired session already signed us out; the router shows the login page.
    }
  }
  renderNav();
  start();
}

boot();
