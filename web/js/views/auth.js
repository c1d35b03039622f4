// Sign in and sign up.

import { currentUser, login, register } from "../api.js";
import { h, field, alertBox, pageTitle, announce } from "../dom.js";
import { navigate, location } from "../router.js";

function afterLogin() {
  const next = location().query.get("next");
  navigate(next && next.startsWith("/") && !next.startsWith("/login") ? next : "/courses");
}

function input(name, type, attrs = {}) {
  return h("input", { name, type, ...attrs });
}

/** `#/login` (a signed-in visitor is told so, and may switch accounts). */
export function loginView(main) {
  const user = currentUser();
  const signedIn = user
    ? h("p.alert.alert-notice", { role: "status" }, `You are signed in as ${user.email}. Signing in again switches account. `,
      h("a", { href: "#/courses" }, "Go to the catalogue"))
    : null;
  const status = h("div", { "aria-live": "assertive" });
  const email = input("email", "email", { autocomplete: "username", required: true });
  const password = input("password", "password", { autocomplete: "current-password", required: true });
  const submit = h("button.primary", { type: "submit" }, "Sign in");
  const form = h("form.card.narrow", { novalidate: false }, status,
    field("Email", email), field("Password", password), submit,
    h("p", null, "New here? ", h("a", { href: "#/signup" }, "Create a student account")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    submit.disabled = true;
    try {
      await login(email.value.trim(), password.value);
      announce("Signed in");
      afterLogin();
    } catch (err) {
      status.append(alertBox(err.status === 401 ? "Wrong email or password." : err.message));
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  main.append(pageTitle(h("h1", null, "Sign in"), "Sign in"), ...(signedIn ? [signedIn] : []), form);
}

/** `#/signup`: a student account (instructors are created by an administrator). */
export function signupView(main) {
  const status = h("div", { "aria-live": "assertive" });
  const name = input("full_name", "text", { autocomplete: "name", required: true, maxlength: 200 });
  const email = input("email", "email", { autocomplete: "email", required: true });
  const password = input("password", "password", { autocomplete: "new-password", required: true, minlength: 10 });
  const goals = input("career_goals", "text", { placeholder: "e.g. data analyst, web developer" });
  const level = h("select", { name: "skill_level" },
    ["beginner", "intermediate", "advanced"].map((v) => h("option", { value: v }, v)));
  const submit = h("button.primary", { type: "submit" }, "Create account");
  const form = h("form.card.narrow", null, status,
    field("Full name", name), field("Email", email),
    field("Password", password, "At least 10 characters, not a common password."),
    field("Career goals (optional)", goals, "Separate several goals with commas."),
    field("Your level", level), submit,
    h("p", null, "Already have an account? ", h("a", { href: "#/login" }, "Sign in")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    submit.disabled = true;
    const body = {
      full_name: name.value.trim(),
      email: email.value.trim(),
      password: password.value,
      skill_level: level.value,
    };
    const goalList = goals.value.split(",").map((g) => g.trim()).filter(Boolean);
    if (goalList.length) body.career_goals = goalList;
    try {
      await register(body);
      announce("Account created, signed in");
      afterLogin();
    } catch (err) {
      status.append(alertBox(err.status === 409 ? "An account with this email already exists." : err.message));
    } finally {
      submit.disabled = false;
    }
  });
  main.append(pageTitle(h("h1", null, "Create your account"), "Sign up"), form);
}
