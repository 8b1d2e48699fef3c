import { Router } from 'express';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { createUserBody } from '../schemas';
import type { UserService } from '../../desk/users';

export function userRoutes(users: UserService): Router {
  const router = Router();
  router.post('/', requireRole('admin'), async (req, res) => {
    const body = parseOr400(createUserBody, req.body ?? {}, 'user');
    const user = await users.create(body, principal(req).id);
    res.status(201).location(`/api/v1/users/${user.id}`).json(user);
  });
  return router;
}
